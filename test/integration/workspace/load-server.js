// A small HTTP server for the Profile Under Load UI spec: /slow burns a few milliseconds in
// slowRoute per request. It listens on 127.0.0.1 at the port written in load-port beside it.
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS program, run by node as users run theirs */
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

function slowRoute() {
  const end = Date.now() + 3;
  let acc = 0;
  while (Date.now() < end) {
    for (let i = 1; i < 20000; i++) acc += ((i * 7919) % 13) ^ (acc & 1023);
  }
  return acc;
}

const port = Number(process.env.PORT || fs.readFileSync(path.join(__dirname, 'load-port'), 'utf8').trim());
http
  .createServer((req, res) => {
    if (req.url === '/slow') res.end(String(slowRoute()));
    else res.end('ok');
  })
  .listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
