// The one publisher conformance suite, run against every provider and its loopback stub.
import { env } from "cloudflare:test";
import { runPublisherConformance } from "./testing/conformance";
import { amazonHarness } from "./testing/harnesses/amazon";
import { bigcommerceHarness } from "./testing/harnesses/bigcommerce";
import { shopifyHarness } from "./testing/harnesses/shopify";
import { wooHarness } from "./testing/harnesses/woocommerce";

const stubs = env as unknown as { SHOPIFY_STUB_URL: string; WOO_STUB_URL: string; BIGCOMMERCE_STUB_URL: string; AMAZON_STUB_URL: string };

runPublisherConformance("shopify", () => shopifyHarness(stubs.SHOPIFY_STUB_URL));
runPublisherConformance("woocommerce", () => wooHarness(stubs.WOO_STUB_URL));
runPublisherConformance("bigcommerce", () => bigcommerceHarness(stubs.BIGCOMMERCE_STUB_URL));
runPublisherConformance("amazon", () => amazonHarness(stubs.AMAZON_STUB_URL));
