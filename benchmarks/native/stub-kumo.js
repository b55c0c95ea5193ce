// Runs the benchmark policy's get_egress_source handler in node (V8) with a stub `kumo` whose
// make_egress_source only copies the object: the floor a JavaScript handler call can reach.
//   node stub-kumo.js POLICY.js CALLS
'use strict';
const fs = require('fs');
const vm = require('vm');
const [policyFile, callsText] = process.argv.slice(2);
const calls = Number(callsText || 200000);
const handlers = {};
const kumo = {
  on: (event, fn) => { handlers[event] = fn; },
  make_egress_source: (spec) => Object.assign({}, spec),
};
vm.runInNewContext(fs.readFileSync(policyFile, 'utf8'), { kumo });
const handler = handlers.get_egress_source;
const names = Array.from({ length: 64 }, (_, i) => 'ip-' + i);
let sink = 0;
for (let i = 0; i < calls; i++) sink += handler(names[i % 64]).name.length; // warm-up
const start = process.hrtime.bigint();
for (let i = 0; i < calls; i++) sink += handler(names[i % 64]).name.length;
const elapsed = Number(process.hrtime.bigint() - start) / 1000;
if (sink < 0) console.log(sink);
console.log((elapsed / calls).toFixed(4)); // wall-clock µs per call
