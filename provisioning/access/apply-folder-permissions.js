#!/usr/bin/env node
'use strict';
/**
 * Gives finmon's role folders their permissions in Grafana, which Grafana OSS cannot provision from
 * files: creates the teams of folder-permissions.json when missing, then sets each folder's
 * permissions (POST /api/folders/:uid/permissions replaces them). Idempotent; safe to run at every
 * start. Plain Node (18+), no dependencies, so docker-compose.yml runs it in a stock node image.
 *
 *   GRAFANA_URL=http://grafana:3000 GRAFANA_USER=admin GRAFANA_PASSWORD=… node apply-folder-permissions.js [config.json]
 *
 * Waits up to GRAFANA_WAIT_SECONDS (default 120) for Grafana and for the provisioned folders.
 * Exits 1 with a message naming the step, folder or team that failed.
 */
const fs = require('node:fs');
const path = require('node:path');

const LEVELS = { View: 1, Edit: 2, Admin: 4 };
const ROLES = new Set(['Viewer', 'Editor']);

/** Reads and checks the configuration; throws naming what is wrong. */
function readConfig(file) {
  let config;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read the folder permissions (${error.message})`);
  }
  const teams = new Set(config.teams ?? []);
  if (!Array.isArray(config.folders) || config.folders.length === 0) throw new Error(`${file}: "folders" must list at least one folder`);
  config.folders.forEach((folder, i) => {
    const where = `${file}: folders[${i}]`;
    if (typeof folder.uid !== 'string' || folder.uid === '') throw new Error(`${where}: "uid" must name a folder uid`);
    (folder.permissions ?? []).forEach((p, j) => {
      const at = `${where}.permissions[${j}]`;
      if (!(p.permission in LEVELS)) throw new Error(`${at}: permission "${p.permission}" is not one of View, Edit, Admin`);
      if ((p.team === undefined) === (p.role === undefined)) throw new Error(`${at}: give either "team" or "role"`);
      if (p.team !== undefined && !teams.has(p.team)) throw new Error(`${at}: team "${p.team}" is not listed in "teams"`);
      if (p.role !== undefined && !ROLES.has(p.role)) throw new Error(`${at}: role "${p.role}" is not Viewer or Editor`);
    });
  });
  return { teams: [...teams], folders: config.folders };
}

function grafanaClient({ url, user, password, fetchImpl = fetch }) {
  const base = url.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return async function call(method, pathname, body) {
    const response = await fetchImpl(`${base}${pathname}`, {
      method,
      headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { message: text };
    }
    return { status: response.status, json };
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, check, { timeoutMs, intervalMs }) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const outcome = await check();
      if (outcome === true) return;
      last = outcome;
    } catch (error) {
      last = error.message;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
    await sleep(intervalMs);
  }
}

/** The team's id, creating the team when missing. */
async function ensureTeam(call, name) {
  const found = await call('GET', `/api/teams/search?name=${encodeURIComponent(name)}`);
  if (found.status !== 200) throw new Error(`looking up team "${name}" failed: HTTP ${found.status} ${found.json.message ?? ''}`.trim());
  const existing = (found.json.teams ?? []).find((t) => t.name === name);
  if (existing) return { id: existing.id, created: false };
  const created = await call('POST', '/api/teams', { name });
  if (created.status !== 200 || typeof created.json.teamId !== 'number') {
    throw new Error(`creating team "${name}" failed: HTTP ${created.status} ${created.json.message ?? ''}`.trim());
  }
  return { id: created.json.teamId, created: true };
}

/**
 * Applies the configuration: teams first, then each folder's permission list. Resolves with what
 * it did; rejects with an Error naming the step that failed.
 */
async function applyFolderPermissions(options) {
  const { config, url, user, password, fetchImpl, waitMs = 120_000, pollMs = 2000, log = () => {} } = options;
  const call = grafanaClient({ url, user, password, fetchImpl });
  await waitFor(`Grafana at ${url}`, async () => {
    const health = await call('GET', '/api/health');
    return health.status === 200 ? true : `HTTP ${health.status}`;
  }, { timeoutMs: waitMs, intervalMs: pollMs });

  const teamIds = new Map();
  for (const name of config.teams) {
    const team = await ensureTeam(call, name);
    teamIds.set(name, team.id);
    log(`team "${name}" ${team.created ? 'created' : 'exists'} (id ${team.id})`);
  }
  const applied = [];
  for (const folder of config.folders) {
    // Dashboard provisioning creates the folders shortly after Grafana answers.
    await waitFor(`folder ${folder.uid}`, async () => {
      const got = await call('GET', `/api/folders/${encodeURIComponent(folder.uid)}`);
      return got.status === 200 ? true : `HTTP ${got.status}`;
    }, { timeoutMs: waitMs, intervalMs: pollMs });
    const items = folder.permissions.map((p) =>
      p.team !== undefined ? { teamId: teamIds.get(p.team), permission: LEVELS[p.permission] } : { role: p.role, permission: LEVELS[p.permission] },
    );
    const result = await call('POST', `/api/folders/${encodeURIComponent(folder.uid)}/permissions`, { items });
    if (result.status !== 200) {
      throw new Error(`setting the permissions of folder ${folder.uid} failed: HTTP ${result.status} ${result.json.message ?? ''}`.trim());
    }
    applied.push({ uid: folder.uid, items });
    log(`folder ${folder.uid}: ${folder.permissions.map((p) => `${p.team ?? p.role} ${p.permission}`).join(', ')}`);
  }
  return { teams: Object.fromEntries(teamIds), folders: applied };
}

async function main() {
  const file = process.argv[2] ?? path.join(__dirname, 'folder-permissions.json');
  const url = process.env.GRAFANA_URL ?? 'http://localhost:3000';
  const password = process.env.GRAFANA_PASSWORD;
  if (!password) throw new Error('GRAFANA_PASSWORD is not set (the Grafana admin password)');
  await applyFolderPermissions({
    config: readConfig(file),
    url,
    user: process.env.GRAFANA_USER ?? 'admin',
    password,
    waitMs: Number(process.env.GRAFANA_WAIT_SECONDS ?? 120) * 1000,
    log: (line) => process.stdout.write(`finmon folder permissions: ${line}\n`),
  });
}

module.exports = { readConfig, applyFolderPermissions, LEVELS };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`finmon folder permissions: ${error.message}\n`);
    process.exit(1);
  });
}
