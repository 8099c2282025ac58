/**
 * The /ops page's script: its parts joined in one strict-mode function scope, in the order
 * they depend on each other (helpers, cards, charts, then the loop that starts everything).
 *
 * @example `<script>${dashboardScript}</script>`
 */
import { cardsScript } from "./script-cards";
import { chartsScript } from "./script-charts";
import { coreScript } from "./script-core";
import { mainScript } from "./script-main";

export const dashboardScript = `(() => {"use strict";\n${coreScript}\n${cardsScript}\n${chartsScript}\n${mainScript}\n})();`;
