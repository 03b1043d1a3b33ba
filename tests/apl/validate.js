// Amazon's APL validator (apl-suggester) over documents given as one JSON object {name: document}
// on standard input; prints {name: [findings]} as JSON. Used by tests/apl/test_apl_validator.py.
const { StaticAplTemplateValidator } = require('apl-suggester');

let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  const documents = JSON.parse(input);
  const findings = {};
  for (const [name, document] of Object.entries(documents)) {
    findings[name] = await new StaticAplTemplateValidator().validate(document);
  }
  process.stdout.write(JSON.stringify(findings));
});
