// The word lists of the text rules come from the pinned packages (scripts/lexicon/generate.ts); the SQL file that
// carries them to the database must be what the generator makes of those packages, and the migration must carry
// the same functions the schema file declares.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ORDINARY_WORDS, ORDINARY_WORDS_FILE, ordinaryWordsSql, verbForms, wordForms, wordFormsSql, WORD_FORMS_FILE } from "../scripts/lexicon/generate.ts";
import { adminSql, TEMPLATE_DB } from "../scripts/db/local-stack.ts";

describe("the lexicon of the text rules", () => {
  it("is the generator's output from the pinned packages (npm run lexicon)", async () => {
    expect(await readFile(WORD_FORMS_FILE, "utf8"), "supabase/schemas/15_word_forms.sql is stale: run npm run lexicon").toBe(wordFormsSql());
    expect(await readFile(ORDINARY_WORDS_FILE, "utf8"), "supabase/schemas/16_ordinary_words.sql is stale: run npm run lexicon").toBe(await ordinaryWordsSql());
  });

  it("knows everyday English by frequency: common words in, names and rare words out", async () => {
    const sql = adminSql(TEMPLATE_DB);
    try {
      const [db] = await sql`select (select count(*)::int from jsonb_object_keys(private.ordinary_words())) as words,
        array(select w from unnest(array['the', 'house', 'phone', 'favorite', 'window', 'xylophone', 'ombudsman', 'sourdough', 'kayaking']) w
               where private.ordinary_words() ? w) as ordinary`;
      expect(db.words).toBe(ORDINARY_WORDS);
      expect(db.ordinary).toEqual(["the", "house", "phone", "favorite", "window"]);
    } finally {
      await sql.end();
    }
  });

  it("holds British spellings, contractions and irregular verbs, as the migrated database reads them", async () => {
    const forms = wordForms();
    const verbs = verbForms();
    expect(forms.size).toBeGreaterThan(1500);
    expect(verbs.size).toBeGreaterThan(300);
    const sql = adminSql(TEMPLATE_DB);
    try {
      const [db] = await sql`select private.word_forms() as forms, private.verb_forms() as verbs`;
      expect(db.forms).toEqual(Object.fromEntries(forms));
      expect(db.verbs).toEqual(Object.fromEntries(verbs));
      const samples = await sql`select private.word_forms() ->> w as form from unnest(array['neighbour', 'won''t', '''ll', 'doesnt']) w`;
      expect(samples.map((r) => r.form)).toEqual(["neighbor", "will not", "will", "does not"]);
    } finally {
      await sql.end();
    }
  });
});
