/**
 * The /ops page's stylesheet (inline: the page's CSP allows no other origin). Cards sit in a
 * grid that collapses to one column on a phone; tables turn into labelled stacks there, and
 * long ids and reasons are clipped or wrapped inside their card, never past it.
 *
 * @example `<style>${dashboardStyles}</style>`
 */
export const dashboardStyles = `
:root{--bg:#f6f8fa;--fg:#1b1f24;--muted:#57606a;--card:#fff;--line:#d0d7de;--soft:#eaeef2;--accent:#0550ae;--bad:#a40e26;--bad-bg:#ffebe9;--warn:#7d4e00;--warn-bg:#fff8c5;--ok:#116329;--ok-bg:#dafbe1;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#161b22;--line:#3d444d;--soft:#21262d;--accent:#79c0ff;--bad:#ffa198;--bad-bg:#3c1618;--warn:#e3b341;--warn-bg:#341a00;--ok:#7ee787;--ok-bg:#0f2d1a}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--card);padding:.5rem 1rem;z-index:2}
.skip:focus{left:.5rem}
header{background:var(--card);border-bottom:1px solid var(--line);padding:.75rem 1rem}
header .bar{max-width:1400px;margin:auto;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between}
h1{font-size:1.25rem;margin:0}
h2{font-size:1rem;margin:0 0 .6rem}
h3{font-size:.9rem;margin:.8rem 0 .4rem}
form.auth{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;min-width:0}
form.auth label{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;min-width:0}
input[type=password]{padding:.4rem;width:min(22rem,100%);min-width:0;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
button{font:inherit;white-space:nowrap;min-height:2.25rem;padding:.3rem .8rem;border:1px solid var(--line);border-radius:6px;background:var(--soft);color:var(--fg);cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--card)}
button:disabled{opacity:.6;cursor:default}
button.copy{min-height:1.6rem;min-width:1.6rem;padding:0 .3rem;margin-left:.2rem;vertical-align:bottom;display:inline-flex;align-items:center;justify-content:center}
.status{color:var(--muted);font-size:.85rem}
.live{display:inline-block;width:.6rem;height:.6rem;border-radius:50%;background:var(--muted);margin-right:.3rem}
.live.on{background:var(--ok)}.live.stale{background:var(--warn)}
.msg{max-width:1400px;margin:.75rem auto 0;padding:.6rem .9rem;border-radius:6px;border:1px solid var(--line)}
.msg:empty{display:none}
.msg.bad{background:var(--bad-bg);color:var(--bad);border-color:var(--bad)}
.msg.warn{background:var(--warn-bg);color:var(--warn);border-color:var(--warn)}
.msg.ok{background:var(--ok-bg);color:var(--ok);border-color:var(--ok)}
main{max-width:1400px;margin:auto;padding:1rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr))}
main[hidden]{display:none}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;min-width:0;overflow:hidden}
.card.wide{grid-column:1/-1}
.card[hidden]{display:none}
.kpis{display:grid;gap:.6rem;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr))}
.kpi{border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem;min-width:0}
.kpi span{display:block;color:var(--muted);font-size:.8rem}
.kpi b{display:block;font-size:1.5rem;font-variant-numeric:tabular-nums}
.kpi.bad b{color:var(--bad)}.kpi.warn b{color:var(--warn)}
.chips{display:flex;flex-wrap:wrap;gap:.3rem}
.chip{display:inline-flex;gap:.35rem;align-items:baseline;border:1px solid var(--line);border-radius:999px;padding:.1rem .55rem;background:var(--soft);font-size:.85rem;max-width:100%;overflow-wrap:anywhere}
.chip b{font-variant-numeric:tabular-nums}
.chip.bad{border-color:var(--bad);color:var(--bad);background:var(--bad-bg)}
button.chip{min-height:1.9rem}
button.chip[aria-pressed=true]{background:var(--accent);color:var(--card);border-color:var(--accent)}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:.35rem .45rem;border-bottom:1px solid var(--soft);vertical-align:top}
th{font-size:.8rem;color:var(--muted);font-weight:600}
td{overflow-wrap:anywhere}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.ell{display:inline-block;max-width:13ch;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;vertical-align:bottom}
.nowrap,time{white-space:nowrap}
.muted{color:var(--muted)}
.toolbar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin-bottom:.5rem}
.toolbar label{display:inline-flex;gap:.35rem;align-items:center}
input[type=checkbox]{width:1.1rem;height:1.1rem}
.charts{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,15rem),1fr))}
figure.chart{margin:0;min-width:0}
figure.chart figcaption{display:flex;justify-content:space-between;gap:.5rem;font-size:.85rem}
figure.chart svg{display:block;width:100%;height:auto;background:var(--soft);border-radius:4px;overflow:visible}
figure.chart polyline{fill:none;stroke:var(--accent);stroke-width:2;stroke-linejoin:round}
figure.chart circle{fill:var(--accent)}
figure.chart line{stroke:var(--line);stroke-width:1}
.axis{display:flex;justify-content:space-between;gap:.5rem;color:var(--muted);font-size:.75rem}
#order-view{grid-column:1/-1;border-color:var(--accent);border-width:2px}
#order-view h2:focus{outline:none}
.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem .8rem;margin:0}
.facts dt{color:var(--muted)}.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
ol.timeline{list-style:none;padding:0;margin:0}
ol.timeline li{border-left:3px solid var(--line);padding:.25rem 0 .45rem .7rem;min-width:0}
ol.timeline code{display:block;font-size:.78rem;color:var(--muted);overflow-wrap:anywhere;white-space:pre-wrap}
footer{max-width:1400px;margin:0 auto 1.5rem;padding:0 1rem;color:var(--muted);font-size:.8rem}
@media (max-width:40rem){
  main{padding:.6rem;gap:.6rem}
  .card{padding:.75rem}
  table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
  table.stack tr{display:block;border-bottom:1px solid var(--line);padding:.35rem 0}
  table.stack td{display:flex;justify-content:space-between;gap:.75rem;border:0;padding:.15rem 0;text-align:right}
  table.stack td::before{content:attr(data-label);color:var(--muted);font-weight:600;text-align:left;flex:none}
  table.stack td:empty{display:none}
  .ell{max-width:11ch}
}
`;
