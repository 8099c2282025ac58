/**
 * The /ops page as one self-contained HTML document: markup here, the stylesheet and the script
 * from their modules, all inline (no build step, no other origin: the route's CSP allows only
 * inline script and style, and fetches to this origin). Cards the data does not apply to stay
 * hidden until it does: publishing (its route answers 404 where it is not deployed), silent
 * connections (a summary without them), ERP connections (only the admin token may list them).
 *
 * @example c.html(dashboardHtml, 200, PAGE_HEADERS)
 */
import { dashboardScript } from "./script";
import { dashboardStyles } from "./styles";

const card = (id: string, title: string, body: string, opts: { wide?: boolean; hidden?: boolean } = {}) =>
  `<section class="card${opts.wide ? " wide" : ""}" id="card-${id}" aria-labelledby="h-${id}"${opts.hidden ? " hidden" : ""}><h2 id="h-${id}">${title}</h2>${body}</section>`;

const body = [
  `<section class="card" id="order-view" aria-labelledby="order-title" hidden><div class="toolbar"><h2 id="order-title" tabindex="-1">Order</h2><button type="button" id="order-close">Close</button></div><div id="order-body"></div></section>`,
  card("overview", "Now", `<div class="kpis" id="kpis"></div>`, { wide: true }),
  card("backlog", "Backlog per channel", `<div id="backlog"></div>`, { wide: true }),
  card("erp", "ERP health", `<div id="erp"></div><div id="erp-connections" hidden></div>`),
  card("publishing", "Publishing lag", `<div id="publishing"></div>`, { hidden: true }),
  card("silent", "Silent connections", `<div id="silent"></div>`, { hidden: true }),
  card("exceptions", "Exceptions by type", `<div id="exceptions"></div>`, { wide: true }),
  card(
    "dead-letters",
    "Dead letters",
    `<div class="toolbar"><label><input type="checkbox" id="dl-all"> Select all shown</label><button type="button" id="dl-bulk" disabled>Replay selected</button><label><input type="checkbox" id="dl-replayed"> Show replayed</label></div><p class="msg" id="dl-msg" role="status" aria-live="polite"></p><div id="dead-letters"></div>`,
    { wide: true },
  ),
  card("charts", "Last hour", `<div class="charts" id="charts"></div><p class="status" id="charts-note"></p>`, { wide: true }),
].join("\n");

export const dashboardHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard ops</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${dashboardStyles}</style></head><body>
<a class="skip" href="#main">Skip to the dashboard</a>
<header><div class="bar">
<h1>Switchyard — operations</h1>
<form class="auth" id="auth" autocomplete="off"><label for="t">Token <span class="muted">(ops:read key or admin token)</span></label><input id="t" name="token" type="password" autocomplete="off" spellcheck="false"><button type="submit" class="primary">Load</button><button type="button" id="forget">Forget</button></form>
<p class="status" id="status" aria-live="off"><span class="live" id="live"></span><span id="status-text">Not loaded</span></p>
</div>
<p class="msg" id="auth-msg" role="alert"></p>
</header>
<main id="main" tabindex="-1" hidden>
${body}
</main>
<footer>Refreshes every 5 s. Times are in your browser's time zone; hover one for UTC. Charts keep the last hour in this tab.</footer>
<script>${dashboardScript}</script>
</body></html>`;
