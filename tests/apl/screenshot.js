// Render a page with Amazon's APL web renderer in headless Chromium and take a screenshot once
// the page says RENDERED, waiting a given time after that (the document's elapsedTime runs).
// Usage: node --experimental-websocket screenshot.js PAGE.html OUT.png WIDTH HEIGHT WAIT_MS
// Prints JSON: {"log": the page's log, "text": the rendered text, "paths": AVG path data}.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [page, out, width, height, waitMs] = process.argv.slice(2);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'apl-chromium-'));
const browser = spawn(process.env.CHROMIUM || 'chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--allow-file-access-from-files',
  '--hide-scrollbars', `--window-size=${width},${height}`, `--user-data-dir=${profile}`,
  '--remote-debugging-port=0', 'file://' + path.resolve(page),
], { stdio: 'ignore' });
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const finish = (code, message) => {
  if (message) process.stderr.write(message + '\n');
  browser.kill('SIGKILL');
  try { fs.rmSync(profile, { recursive: true, force: true }); } catch (error) { /* still closing */ }
  process.exit(code);
};
setTimeout(() => finish(2, 'timed out'), 60000);

async function pageSocket() {
  const portFile = path.join(profile, 'DevToolsActivePort');
  for (let i = 0; i < 200 && !fs.existsSync(portFile); i++) await sleep(100);
  const port = fs.readFileSync(portFile, 'utf8').split('\n')[0];
  for (let i = 0; i < 100; i++) {
    const pages = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    const found = pages.find((p) => p.type === 'page' && p.url.startsWith('file:'));
    if (found) return found.webSocketDebuggerUrl;
    await sleep(100);
  }
  throw new Error('no page');
}

(async () => {
  const socket = new WebSocket(await pageSocket());
  await new Promise((done) => { socket.onopen = done; });
  let next = 0;
  const waiting = new Map();
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (waiting.has(data.id)) { waiting.get(data.id)(data); waiting.delete(data.id); }
  };
  const call = (method, params = {}) => new Promise((done) => {
    const id = ++next;
    waiting.set(id, done);
    socket.send(JSON.stringify({ id, method, params }));
  });
  const evaluate = async (expression) =>
    (await call('Runtime.evaluate', { expression, returnByValue: true })).result.result.value;
  await call('Emulation.setDeviceMetricsOverride',
    { width: Number(width), height: Number(height), deviceScaleFactor: 1, mobile: false });
  let log = '';
  for (let i = 0; i < 300; i++) {
    log = (await evaluate("(document.getElementById('log') || {}).textContent || ''")) || '';
    if (log.includes('RENDERED') || log.includes('FAIL') || log.includes('ERR')) break;
    await sleep(100);
  }
  await sleep(Number(waitMs));
  const text = await evaluate("document.getElementById('view').innerText");
  const paths = await evaluate("[...document.querySelectorAll('#view path')].map(p => p.getAttribute('d'))");
  const shot = await call('Page.captureScreenshot', { format: 'png' });
  fs.writeFileSync(out, Buffer.from(shot.result.data, 'base64'));
  process.stdout.write(JSON.stringify({ log, text, paths }));
  finish(0);
})().catch((error) => finish(1, String(error)));
