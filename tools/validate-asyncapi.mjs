// Validates AsyncAPI documents with the real @asyncapi/parser (installed by
// tools/install-asyncapi.sh).  Usage:
//   node tools/validate-asyncapi.mjs <parser dir> FILE...
// Prints one JSON line per file: {"file", "errors": [...], "warnings": N,
// ...}; exits 1 when any file has a diagnostic of severity error, or a
// message example that its message's payload schema refuses (checked with
// ajv, the validator the parser itself depends on: the parser's rules do
// not check AsyncAPI 3 examples).
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const [dir, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(dir), 'package.json'));
const { Parser, DiagnosticSeverity } = require('@asyncapi/parser');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const yaml = require('js-yaml');   // JSON is YAML too
const parser = new Parser();

function exampleErrors(document, raw) {
  // One ajv for the whole document (as the JSON it was read from), each
  // example checked against its message's payload by reference: the
  // component schemas are compiled once, not once per message.
  const ajv = new Ajv({ strict: false, validateSchema: false, inlineRefs: false });
  addFormats(ajv);
  ajv.addSchema({ components: raw.components }, 'asyncapi:document');
  const out = [];
  let checked = 0;
  for (const message of document.components().messages()) {
    if (!message.hasPayload()) continue;
    const pointer = `#/components/messages/${message.id().replace(/~/g, '~0').replace(/\//g, '~1')}/payload`;
    const validate = ajv.compile({ $ref: `asyncapi:document${pointer}` });
    for (const example of message.examples()) {
      checked += 1;
      if (!validate(example.payload())) {
        out.push(`example ${example.name()} of message ${message.id()}: ` +
                 ajv.errorsText(validate.errors));
      }
    }
  }
  return { out, checked };
}

let failed = false;
for (const file of files) {
  const text = await readFile(file, 'utf8');
  const { document, diagnostics } = await parser.parse(text, { source: path.resolve(file) });
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  const warnings = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning);
  const problems = errors.map((d) => `${d.code}: ${d.message} at /${(d.path || []).join('/')}`);
  let examples = 0;
  if (document) {
    const found = exampleErrors(document, yaml.load(text));
    problems.push(...found.out);
    examples = found.checked;
  }
  if (problems.length || !document) failed = true;
  const out = {
    file,
    parsed: Boolean(document),
    errors: problems,
    examples,
    warnings: warnings.length,
    warning_codes: [...new Set(warnings.map((d) => d.code))],
  };
  if (document) {
    out.channels = document.channels().length;
    out.messages = document.components().messages().length;
    out.operations = document.operations().length;
  }
  console.log(JSON.stringify(out));
}
process.exit(failed ? 1 : 0);
