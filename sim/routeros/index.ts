/**
 * sim/routeros: an emulated fleet of MikroTik routers speaking the RouterOS API (TCP, plain 8728
 * style) on 127.0.0.1, for the controller's tests, its benchmark and the demo.
 *
 * ## Programmatic API
 *
 *     const fleet = await startRouterFleet({ count: 50, basePort: 0, seed: 7,
 *       faults: { dead: { count: 2 }, slow: { percent: 3 } }, clock });
 *     fleet.routers[i]          // RouterManifestEntry as of start: host, port, identity, fault, credentials, ...
 *     fleet.stateOf(i, at?)     // uptime, cpu-load, memory, users, counters at any instant
 *     fleet.manifest(at?)       // the whole manifest (below); fleet.writeManifest(file)
 *     clock.advance(600); await fleet.sync();   // after moving an injected clock (flapping ports follow it)
 *     await fleet.setClock(otherClock);         // or swap the clock
 *     await fleet.close();
 *
 * Options (RouterFleetOptions): count (1–20,000); basePort (router i on basePort+i, or 0 for ports
 * the system picks); host; seed (default 1); faults (per kind `{ percent }` or `{ count }`);
 * credentials (default admin / citywifi); splitWrites (force one write mode, `byte` = every byte its
 * own TCP write); clock (core/domain/clock.ts; uptime, reboots, counters, users and flaps follow it;
 * slow replies and /ping probes use real timers); tuning (slowReplyMs, rebootEverySeconds,
 * flapUpSeconds, flapDownSeconds, garbage mode) so tests need not wait minutes.
 *
 * ## What a router answers (PROTOCOLS.md §B)
 *
 * - Login: `/login =name=U =password=P` (6.43+ form) → `!done`; wrong → `!trap
 *   =message=invalid user name or password (6)`, `!done` (the connection stays open). Commands before
 *   login → `!trap =category=5 =message=not logged in`, `!done`; the 9th → `!fatal` `too many
 *   commands before login` and close. `/quit` → `!fatal` `session terminated on request` and close.
 * - Print commands (also as `getall`): /system/resource, /system/identity, /system/routerboard,
 *   /system/health, /system/clock, /interface, /interface/wireless,
 *   /interface/wireless/registration-table, /ip/hotspot/active. They take `=.proplist=a,b`,
 *   `=count-only=` (→ `!done =ret=N`, no `!re`) and `?` queries (§B.5, operators `! & | .` and
 *   indexes). A print with no items is `!empty` + `!done` from 7.18, a bare `!done` before.
 *   `/ping =address=X [=count=N] [=interval=S]` sends one `!re` per probe (streams without count).
 * - `.tag=X` on a command puts `.tag=X` last in every reply sentence of it. Commands run side by
 *   side; `/cancel =tag=X` ends X with `!trap =category=2 =message=interrupted` + `!done` (tagged X),
 *   then `!done` for the /cancel itself (also when X is no longer running); bare `/cancel` ends all.
 * - Unknown command or missing package: `!trap =category=0 =message=no such command or directory
 *   (part)`, `!trap =message=no such command prefix`, `!done`.
 * - A reboot (rebooting fault) drops open connections at their next command, a flap at once
 *   (TCP reset).
 * - Versions: 6.49.7/6.49.10/6.49.17 (long-term), 7.10.2, 7.16.2, 7.18.2, 7.19.4 (stable), in turn.
 *   build-time is `Jul/19/2022 11:25:54` up to 7.10 and `2024-11-26 12:09:40` from 7.16;
 *   last-link-up-time and /system/clock dates are `jan/02/1970 00:00:00` / `feb/25/2026` on v6 and
 *   ISO on v7; health is one named item on v6 (values with or without units), one item per sensor on
 *   v7, none on a v7 cAP ac. Durations as `1w4d23h26m9s`. Router clock: Asia/Jakarta.
 * - Counters grow at a rate swinging over the hour, reset on reboot, wrap at 2^32 on some v6
 *   routers (`counters.bits`) and at 2^64 on some v7 routers soon after start (`counters.wrapsAt`).
 *   Active users follow the hour of day (none at some sites: `load.usersAtPeak` 0).
 *
 * ## Faults (faults.ts): dead, silent, slow, garbage (modes truncated, reserved-byte,
 * unknown-reply, noise after login; cut-at-login), flapping, rebooting, wrong-credentials,
 * no-wireless, busy (degraded). Between them they provoke each node-routeros defect of
 * PROTOCOLS.md §C.2: `!empty` (7.18+ routers), a socket that dies under a pending command
 * (garbage, a reboot or a flap, dropped with a TCP reset: ECONNRESET), a close before login ends
 * (cut-at-login), replies later than any timeout (slow, silent), an unknown reply word
 * (unknown-reply), and a `.tag` always last with TCP cuts anywhere (split writes).
 *
 * ## Manifest (manifest.ts, `--manifest FILE`)
 *
 *     { manifestVersion: 1, generatedAt, seed, host, count, credentials: { user, password },
 *       faults: { dead: 2, ... }, routers: [RouterManifestEntry] }
 *
 * Each entry is the router's RouterSpec (index, host, port, identity, boardName, version, fault,
 * credentials, formats, timing, counters, load, interfaces), `answers` (one sentence on how it
 * behaves) and `now` (listening, bootedAt, bootCount, uptime, uptimeSeconds, cpuLoad, freeMemory,
 * totalMemory, activeUsers, interface counters as decimal strings) at generatedAt.
 * `routerStateAt(entry, at)` recomputes `now` for any instant from the JSON alone.
 */
export { startRouterFleet, DEFAULT_CREDENTIALS, MAX_FLEET_SIZE, type RouterFleet, type RouterFleetOptions } from './fleet.js';
export { buildManifest, describeAnswers, snapshotOf, MANIFEST_VERSION, type FleetManifest, type RouterManifestEntry, type RouterSnapshot } from './manifest.js';
export { routerStateAt, isListening, bootAt, type RouterSpec, type RouterState, type SplitMode, type FleetTuning } from './router.js';
export { FAULT_KINDS, GARBAGE_MODES, parseFaultShares, describeFaults, type FaultKind, type FaultShares, type GarbageMode } from './faults.js';
export { encodeLength, decodeLength, encodeWord, encodeSentence, SentenceDecoder, ProtocolError } from './codec.js';
export { formatDuration, formatIsoDateTime, formatOldDateTime } from './formats.js';
