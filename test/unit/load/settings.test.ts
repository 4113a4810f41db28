// The flamelens.load setting and Profile Under Load's answers (src/load/settings.ts): defaults in
// order last answers → setting → the CLI's; the CLI's parsers and loopback rule; stages and
// thresholds from the setting; every problem a message, not a throw, in the prompts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../src/cli/args';
import { answerProblem, defaultAnswers, planLoad, splitUrls } from '../../../src/load/settings';

test('defaults: the last answers first, then the setting, then the CLI defaults', () => {
  assert.deepEqual(defaultAnswers({}, undefined), { urls: 'http://127.0.0.1:3000/', duration: '10s', connections: '10' });
  assert.deepEqual(defaultAnswers({ urls: ['http://localhost:1/a', 'http://localhost:1/b'], duration: 30, connections: 50 }, undefined), {
    urls: 'http://localhost:1/a http://localhost:1/b',
    duration: '30',
    connections: '50',
  });
  assert.deepEqual(defaultAnswers({ url: 'http://localhost:1/a', duration: '5s' }, { urls: 'http://127.0.0.1:9/x', connections: '3' }), {
    urls: 'http://127.0.0.1:9/x',
    duration: '5s',
    connections: '3',
  });
});

test('answers are checked as the prompts type them', () => {
  assert.equal(answerProblem('urls', 'http://127.0.0.1:3000/a, http://[::1]:3000/b'), undefined);
  assert.match(answerProblem('urls', 'http://example.com/') ?? '', /not this machine/);
  assert.match(answerProblem('urls', 'ftp://127.0.0.1/') ?? '', /not an http/);
  assert.match(answerProblem('urls', '  ') ?? '', /at least one URL/);
  assert.equal(answerProblem('duration', '1m'), undefined);
  assert.match(answerProblem('duration', 'soon') ?? '', /cannot read/);
  assert.equal(answerProblem('connections', '8'), undefined);
  assert.match(answerProblem('connections', '0') ?? '', /whole number from 1/);
  assert.match(answerProblem('connections', '2.5') ?? '', /whole number/);
  assert.deepEqual(splitUrls(' a ,b  c,'), ['a', 'b', 'c']);
});

test('plan: duration and connections from the answers, the rest from the setting', () => {
  const plan = planLoad({ warmup: 0, rate: 200, thresholds: ['p95<200ms', 'errors<1%'] }, { urls: 'http://127.0.0.1:3000/a http://127.0.0.1:3000/b', duration: '3s', connections: '4' });
  assert.deepEqual(plan.stages, [{ durationMs: 3000, connections: 4 }]);
  assert.equal(plan.warmupMs, 0);
  assert.equal(plan.rate, 200);
  assert.deepEqual(plan.spec.urls, ['http://127.0.0.1:3000/a', 'http://127.0.0.1:3000/b']);
  assert.equal(plan.spec.rate, 200);
  assert.deepEqual(plan.thresholds.map((t) => [t.metric, t.limit]), [['p95', 200], ['errors', 1]]);
  assert.equal(planLoad({}, { urls: 'http://127.0.0.1:1/', duration: '1s', connections: '1' }).warmupMs, 2000);
  const staged = planLoad({ stages: ['2s:5', '4s:20'] }, { urls: 'http://127.0.0.1:1/', duration: '10s', connections: '10' });
  assert.deepEqual(staged.stages, [{ durationMs: 2000, connections: 5 }, { durationMs: 4000, connections: 20 }]);
});

test('plan: a bad setting is a usage error naming it', () => {
  const answers = { urls: 'http://127.0.0.1:1/', duration: '1s', connections: '2' };
  assert.throws(() => planLoad({ thresholds: ['p95'] }, answers), UsageError);
  assert.throws(() => planLoad({ stages: ['fast'] }, answers), /--stage: cannot read "fast"/);
  assert.throws(() => planLoad({ warmup: 'x' }, answers), /flamelens\.load\.warmup/);
  assert.throws(() => planLoad({ rate: -1 }, answers), /flamelens\.load\.rate/);
  assert.throws(() => planLoad({}, { ...answers, urls: 'http://127.0.0.1:1/a http://127.0.0.1:1/b http://127.0.0.1:1/c' }), /2 connections cannot take 3 URLs/);
  assert.throws(() => planLoad({}, { ...answers, urls: 'http://10.0.0.1/' }), /not this machine/);
});
