// Splits a migration file into statements the way the Supabase CLI does before it records them in
// supabase_migrations.schema_migrations.statements: at each top-level `;` (outside quotes, dollar quotes,
// comments, parentheses and BEGIN ATOMIC ... END bodies), without the `;`, trimmed, empty pieces dropped.
// Matching the CLI matters: drift checks compare these pieces with what the CLI stored.

export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  let parens = 0;
  let atomic = false;
  const n = text.length;

  const emit = (end: number) => {
    const piece = text.slice(start, end).replace(/;+$/, "").trim();
    if (piece.length > 0) out.push(piece);
  };

  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "-" && next === "-") {
      const eol = text.indexOf("\n", i + 2);
      i = eol === -1 ? n : eol + 1;
    } else if (c === "/" && next === "*") {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === "/" && text[i + 1] === "*") { depth++; i += 2; }
        else if (text[i] === "*" && text[i + 1] === "/") { depth--; i += 2; }
        else i++;
      }
    } else if (c === "'" || c === '"') {
      i++;
      while (i < n) {
        if (text[i] === c) {
          if (text[i + 1] === c) { i += 2; continue; } // '' or "" inside the literal
          i++;
          break;
        }
        i++;
      }
    } else if (c === "$") {
      const tag = /^\$[A-Za-z0-9_]*\$/.exec(text.slice(i, i + 64));
      if (tag && !/^\$\d/.test(tag[0])) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
      } else i++;
    } else if (c === "\\") {
      i += 2;
    } else if (c === "(") {
      parens++;
      i++;
    } else if (c === ")") {
      if (parens > 0) parens--;
      i++;
    } else if (!atomic && /[Bb]/.test(c) && /^begin\s+atomic\b/i.test(text.slice(i, i + 32)) && !/\w/.test(text[i - 1] ?? " ")) {
      atomic = true;
      i += 5;
    } else if (atomic && /[Ee]/.test(c) && /^end\b/i.test(text.slice(i, i + 4)) && !/\w/.test(text[i - 1] ?? " ")) {
      atomic = false;
      i += 3;
    } else if (c === ";" && parens === 0 && !atomic) {
      emit(i + 1);
      start = i + 1;
      i++;
    } else {
      i++;
    }
  }
  emit(n);
  return out;
}
