/**
 * sim/html/page.ts — the heap report page as ONE self-contained HTML
 * document: styles, uPlot (bundled from node_modules, never a CDN), the page
 * script (client.js) and the report data are all inline, so the file opens
 * from disk with no network. The live server (serve.ts) sends the same
 * document with `live: true` and no events; the page then follows /events.
 *
 *   <head>  CSP meta · <style> uPlot.min.css + page.css </style>
 *   <body>  static markup (no stream data in it)
 *           <script type="application/json" id="bareheap-data"> escaped JSON </script>
 *           <script> uPlot.iife.min.js </script>  <script> client.js </script>
 *
 * Safety (docs: README "Heap pictures"): stream text reaches the page only
 * inside the JSON element, and the page writes it with textContent or canvas
 * fillText, never innerHTML. embedJson escapes "<", ">", "&" and U+2028/9
 * as \uXXXX, so no string can close the <script> element or start a comment
 * in it; the Content-Security-Policy allows only the inline scripts whose
 * SHA-256 it lists, so even markup that got in could not run a script.
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { ReportData } from "./report_model"

const require = createRequire(import.meta.url)
const here = (f: string) => readFileSync(new URL(f, import.meta.url), "utf8")
const pkg = (f: string) => readFileSync(require.resolve(f), "utf8")

/** JSON that is safe as the text of a <script> element (and still the same JSON). */
export function embedJson(value: unknown): string {
    return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, c => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"))
}

/** A script's text for inlining: a literal "</script" inside it would end the element early, so refuse one. */
function inlineScript(code: string, name: string): string {
    if (/<\/script/i.test(code)) throw new Error(`${name} contains "</script" and cannot be inlined`)
    return code
}

let assets: { css: string; scripts: string[]; hashes: string[] } | null = null

/** The inlined assets, read once per process. */
function pageAssets() {
    if (!assets) {
        const scripts = [inlineScript(pkg("uplot/dist/uPlot.iife.min.js"), "uPlot"), inlineScript(here("./client.js"), "client.js")]
        assets = {
            css: pkg("uplot/dist/uPlot.min.css") + "\n" + here("./page.css"),
            scripts,
            hashes: scripts.map(s => `'sha256-${createHash("sha256").update(s).digest("base64")}'`),
        }
    }
    return assets
}

/** The whole HTML document for `data`. */
export function renderPage(data: ReportData): string {
    const a = pageAssets()
    const csp = `default-src 'none'; script-src ${a.hashes.join(" ")}; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'`
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bareheap heap report</title>
<style>${a.css}</style>
</head>
<body>
${here("./body.html")}
<script type="application/json" id="bareheap-data">${embedJson(data)}</script>
${a.scripts.map(s => `<script>${s}</script>`).join("\n")}
</body>
</html>
`
}
