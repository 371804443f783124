// An open-loop load: requests sent at a fixed rate whatever the answers (as a crowd of users does), which a closed-loop
// tool such as wrk cannot do: its connections wait for their answers, so a slow server is sent less. Node's own http
// module, no package. Used by scripts/load-overload.sh.
//
//   node scripts/open-loop.mjs URL PHASES [BREAKERS_URL]
//
// PHASES is rate x seconds, comma-separated ("150x10,600x15,150x15"). Prints one JSON object: for each phase the
// requests sent and answered, the payments sections live, the latency percentiles of the answers and, with STATS_URLS
// (space-separated /stats of the payment-service instances), the business requests they received during the phase;
// and for each second (of the send) its sends, live answers, p99, answers slower than twice the first phase's p99
// and, when BREAKERS_URL is given, payment-service's concurrency limit and breaker state.
import http from 'node:http';

const [url, phaseText, breakersUrl] = process.argv.slice(2);
const phases = phaseText.split(',').map(p => { const [rate, seconds] = p.split('x').map(Number); return { rate, seconds }; });
const agent = new http.Agent({ keepAlive: true, maxSockets: 2048 });
const started = performance.now();
const seconds = [];
const results = phases.map(() => ({ sent: 0, answered: 0, live: 0, overloaded: 0, failed: 0, latencies: [], lateLatencies: [] }));
const phaseStarts = [];

function second(at) {
  const s = Math.floor(at / 1000);
  while (seconds.length <= s) seconds.push({ sent: 0, answered: 0, live: 0, latencies: [] });
  return seconds[s];
}

function send(phase) {
  const at = performance.now() - started;
  results[phase].sent++;
  second(at).sent++;
  const request = http.get(url, { agent, timeout: 10_000 }, response => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', chunk => { body += chunk; });
    response.on('end', () => {
      const result = results[phase];
      const s = second(at);
      const latency = performance.now() - started - at;
      result.answered++; s.answered++;
      result.latencies.push(latency);
      s.latencies.push(latency);
      if (at - phaseStarts[phase] >= 1000) result.lateLatencies.push(latency);
      if (body.includes('"payments":"live"')) { result.live++; s.live++; }
      if (body.includes('"payments":"fallback:overloaded"')) result.overloaded++;
    });
  });
  request.on('timeout', () => request.destroy(new Error('timeout')));
  request.on('error', () => { results[phase].failed++; });
}

async function sampleBreaker(s) {
  if (!breakersUrl) return;
  try {
    const all = await (await fetch(breakersUrl)).json();
    const b = all.breakers.find(x => x.name === 'payment-service');
    second(s * 1000).limit = b.concurrency?.limit;
    second(s * 1000).state = b.state;
  } catch { /* a missed sample is left out */ }
}

const statsUrls = (process.env.STATS_URLS ?? '').split(' ').filter(Boolean);
const served = async () => (await Promise.all(statsUrls.map(async u => (await (await fetch(u)).json()).businessRequests)))
  .reduce((a, b) => a + b, 0);

let phaseStart = 0;
for (let phase = 0; phase < phases.length; phase++) {
  const servedBefore = await served();
  const { rate, seconds: length } = phases[phase];
  const phaseStartedAt = performance.now();
  phaseStarts[phase] = phaseStartedAt - started;
  let sent = 0;
  await new Promise(resolve => {
    const tick = setInterval(() => {
      const elapsed = (performance.now() - phaseStartedAt) / 1000;
      if (elapsed >= length) { clearInterval(tick); resolve(); return; }
      const due = Math.floor(elapsed * rate);
      for (; sent < due; sent++) send(phase);
    }, 1);
    const sampler = setInterval(() => {
      if ((performance.now() - phaseStartedAt) / 1000 >= length) { clearInterval(sampler); return; }
      sampleBreaker(Math.floor((performance.now() - started) / 1000));
    }, 1000);
  });
  phaseStart += length;
  results[phase].attempts = (await served()) - servedBefore;
}

// Every request answered, failed or timed out (at most 10 s).
const deadline = performance.now() + 11_000;
while (results.some(r => r.answered + r.failed < r.sent) && performance.now() < deadline) {
  await new Promise(resolve => setTimeout(resolve, 50));
}
agent.destroy();

const percentile = (values, p) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
};
const firstP99 = percentile(results[0].latencies, 99);
console.log(JSON.stringify({
  phases: phases.map((p, i) => ({
    ...p,
    sent: results[i].sent, answered: results[i].answered, live: results[i].live,
    overloaded: results[i].overloaded, failed: results[i].failed, attempts: results[i].attempts,
    p50: percentile(results[i].latencies, 50), p99: percentile(results[i].latencies, 99),
    p99AfterFirstSecond: percentile(results[i].lateLatencies, 99),
  })),
  seconds: seconds.map(({ latencies, ...s }) => ({
    ...s, p99: percentile(latencies, 99), slow: latencies.filter(l => l > 2 * firstP99).length,
  })),
}));
