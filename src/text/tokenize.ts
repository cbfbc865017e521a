// Tokenising: NFKC, lower case, Unicode letters and digits (Danish æ ø å and any other script).
// PII mask tokens such as [CPR] survive as one token ("[cpr]"), so a masked CPR number is a feature.

const TOKEN = /\[(?:cpr|email|phone|iban|account)\]|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** NFKC + lower case. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Word tokens of already folded text. */
export function wordTokens(folded: string): string[] {
  return folded.match(TOKEN) ?? [];
}

/** Word tokens of raw text (folds first). */
export function tokenize(text: string): string[] {
  return wordTokens(foldText(text));
}
