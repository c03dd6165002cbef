#!/usr/bin/env node
// The `vmscope` command: a thin launcher for the bundled CLI (built by `npm install` / `npm run build`).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('vmscope: the CLI is not built yet; run `npm install` (or `npm run build`) in ' + path.dirname(__dirname));
  process.exit(70);
}
require(cli);
