// Runs one definition with the Node peer (aws-local-stepfunctions) and prints JSON timings.
//
// usage: node peer_node.mjs DEFINITION.json INPUT_JSON RUNS ROUNDS
// Prints {"cold_s", "rounds_s": [...], "output"}: cold_s is the first construct+run in this
// fresh process (JIT cold, like a test suite's first call); each entry of rounds_s is the wall
// time of RUNS back-to-back warm runs. bench/run.py turns those into rates, so both engines'
// numbers go through the same arithmetic.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Resolve the peer from bench/.peers so it never has to be in the product's node_modules.
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '.peers', 'package.json'));
const { StateMachine } = require('aws-local-stepfunctions');

const [definitionFile, inputText, runsText, roundsText] = process.argv.slice(2);
const definition = JSON.parse(readFileSync(definitionFile, 'utf8'));
const input = JSON.parse(inputText || '{}');
const runs = Number(runsText || 20);
const rounds = Number(roundsText || 7);

// Inputs are cloned per run so that no run can see another's mutations.
const clone = (value) => JSON.parse(JSON.stringify(value));

let started = process.hrtime.bigint();
const machine = new StateMachine(definition, { validationOptions: { checkPaths: true } });
let output = await machine.run(clone(input)).result;
const coldS = Number(process.hrtime.bigint() - started) / 1e9;

const roundsS = [];
const roundsCpuS = [];  // CPU time (user + system) of the same rounds: steadier on a shared machine
for (let round = 0; round < rounds; round += 1) {
  started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i += 1) {
    output = await machine.run(clone(input)).result;
  }
  roundsS.push(Number(process.hrtime.bigint() - started) / 1e9);
  const used = process.cpuUsage(cpu);
  roundsCpuS.push((used.user + used.system) / 1e6);
}

process.stdout.write(JSON.stringify({ cold_s: coldS, rounds_s: roundsS, rounds_cpu_s: roundsCpuS, output }) + '\n');
