/**
 * tests/sim/html_report.test.ts — the HTML report's Node side: ReportBuilder's
 * block lives equal the decoder's model after every line (also through lost
 * lines and an overlap), the data reconstructs any event, the page embeds
 * its JSON and scripts safely, and `bareheap view --html` writes a report
 * and reports protocol errors. The page in a real browser: html_browser.test.ts.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gunzipSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { heapStream } from "../../bench/html_stream"
import { StreamDecoder } from "../../sim/decoder"
import { embedJson, renderPage } from "../../sim/html/page"
import { fixedMetadata, ReportBuilder, STILL_LIVE } from "../../sim/html/report_model"
import { serveLive } from "../../sim/html/serve"
import { HeapStream } from "../../sim/stream"
import { request } from "node:http"

const STREAM = heapStream({ events: 3000, seed: 7 })

/** Lives live at event e, rebuilt from the encoded columns the page gets (as client.js does, without snapshots). */
function liveFromData(b: ReportBuilder, e: number) {
    const d = b.data()
    const col = (c: { t: string; n: number; z: boolean; b64: string }) => {
        const buf = c.z ? gunzipSync(Buffer.from(c.b64, "base64")) : Buffer.from(c.b64, "base64")
        const T = c.t === "f64" ? Float64Array : c.t === "i32" ? Int32Array : Uint8Array
        return Array.from(new T(buf.buffer, buf.byteOffset, c.n))
    }
    const [ptr, size, alignLog2, from, to] = [col(d.lives.ptr), col(d.lives.size), col(d.lives.alignLog2), col(d.lives.from), col(d.lives.to)]
    const out: { ptr: number; size: number; align: number }[] = []
    for (let l = 0; l < ptr.length; l++) if (from[l] <= e && to[l] > e) out.push({ ptr: ptr[l], size: size[l], align: 2 ** alignLog2[l] })
    return out.sort((x, y) => x.ptr - y.ptr)
}

describe("ReportBuilder", () => {
    it("keeps exactly the decoder's live blocks after every line of a workload", () => {
        const b = new ReportBuilder()
        for (const line of STREAM) {
            b.push(line)
            expect(b.openLives().map(({ ptr, size, align }) => ({ ptr, size, align }))).toEqual(b.decoder.blocks())
        }
        expect(b.eventCount).toBe(STREAM.length)
    })

    it("reconstructs the blocks at any event from the data it sends", () => {
        const b = new ReportBuilder()
        const at = [0, 1, 5, 400, 1777, STREAM.length - 1]
        const want = new Map<number, unknown>()
        const d = new StreamDecoder()
        STREAM.forEach((line, e) => {
            d.push(line)
            if (at.includes(e)) want.set(e, d.blocks())
            b.push(line)
        })
        for (const e of at) expect(liveFromData(b, e), `event ${e}`).toEqual(want.get(e))
        expect(want.get(1777)).not.toEqual([])
    })

    it("follows the decoder through lost lines (unsynced model) and a replaced block", () => {
        // drop every 13th line after the header: the model goes unsynced and drops stale blocks on overlap
        const lossy = STREAM.filter((_, i) => i < 3 || i % 13 !== 0)
        const b = new ReportBuilder({ allowGaps: true })
        const seqs: number[] = []
        for (const line of lossy) {
            const ev = b.push(line)
            if (ev) seqs.push(ev.seq)
            expect(b.openLives().map(({ ptr, size, align }) => ({ ptr, size, align }))).toEqual(b.decoder.blocks())
        }
        expect(b.decoder.gaps.length).toBeGreaterThan(100)
        // the page's seq of each event, from the breaks (client.js seqAt)
        const br = b.data().seqBreaks
        const seqAt = (e: number) => {
            let k = 0
            while (k + 2 < br.length && br[k + 2] <= e) k += 2
            return br[k + 1] + e - br[k]
        }
        expect(seqs.map((_, e) => seqAt(e))).toEqual(seqs)
        const rows = b.data().tables.anomalies
        const lost = rows.rows.filter(r => r["kind"] === "lost-lines")
        expect(lost.length).toBe(Math.min(rows.total, b.decoder.gaps.length))
        // each row points at the event after its gap (the page's click target)
        lost.forEach((r, i) => expect(seqAt(r["ev"] as number)).toBe(b.decoder.gaps[i].to + 1))

    })

    it("tags the blocks a leak report names, keeps the tag and the allocating seq across realloc, and counts per tag at the peak", () => {
        const lines = ["~H 0 2 pico slots 20020000 400 1000 7ff 0", "~A 1 0 c 4", "~A 2 40 8 8", "~L 3 0 c 4 box", "~R 4 0 80 c 20 4", "~L 5 80 20 4 vec-x"]
        const b = new ReportBuilder()
        lines.forEach(l => b.push(l))
        const d = b.data()
        expect(d.tags).toEqual(["untagged", "box", "vec-x"])
        expect(d.tables.leaks.rows).toEqual([{ ptr: 0x20020080, size: 32, align: 4, kind: "vec-x", allocSeq: 1 }])
        const peak = d.tables.tagsAtPeak.rows
        expect(peak).toEqual([
            { tag: "vec-x", blocks: 1, bytes: 32, share: 80 },
            { tag: "untagged", blocks: 1, bytes: 8, share: 20 },
        ])
    })

    it("turns a protocol error into an anomaly row when tolerant, and stops otherwise", () => {
        const bad = ["~H 0 2 pico slots 20020000 400 1000 7ff 0", "~P 1 <script>", "~A 1 0 c 4"]
        const t = new ReportBuilder({ tolerant: true })
        bad.forEach(l => t.push(l))
        expect(t.protocolErrors.map(r => r["message"])).toEqual([`line 2: "~P 1 <script>": field 2 (phase name) must be 1-24 characters of [a-z0-9_-], got "<script>"`])
        expect(t.eventCount).toBe(2)
        const strict = new ReportBuilder() // onError "stop": later lines are not decoded
        bad.forEach(l => strict.push(l))
        expect(strict.stream.failed?.message).toMatch(/phase name/)
        expect(strict.eventCount).toBe(1)
    })

    it("samples the timeline within bounds and ends at the last event", () => {
        const b = new ReportBuilder()
        for (const line of heapStream({ events: 20000, seed: 3 })) b.push(line)
        const s = b.data().samples
        expect(s.ev.length).toBeGreaterThanOrEqual(2000)
        expect(s.ev.length).toBeLessThanOrEqual(4001)
        expect(s.ev[s.ev.length - 1]).toBe(b.eventCount - 1)
        for (let i = 1; i < s.ev.length; i++) expect(s.ev[i]).toBeGreaterThan(s.ev[i - 1])
        expect(Math.max(...s.fails)).toBeGreaterThan(0)
    })

    it("a life still live has to = STILL_LIVE, and live deltas carry what changed", () => {
        const b = new ReportBuilder()
        b.push("~H 0 2 pico slots 20020000 400 1000 7ff 0")
        b.push("~A 1 0 c 4")
        const first = b.data(true)
        expect(first.lives.to.n).toBe(1)
        expect(Buffer.from(first.lives.to.b64, "base64").readInt32LE(0)).toBe(STILL_LIVE)
        expect(b.changed).toBe(false)
        b.push("~F 2 0 c 4")
        b.push("~A 3 40 8 8")
        expect(b.changed).toBe(true)
        const d = b.delta()
        expect([d.events.type.n, d.lives.ptr.n, d.events.type.z]).toEqual([2, 1, false])
        expect(d.seqBreaks).toEqual([]) // seqs 2 and 3 follow on from 1
        expect(d.closed).toEqual([0, 2])
        expect(b.changed).toBe(false)
    })
})

describe("fixedMetadata", () => {
    it("finds the bytes each allocator keeps for itself in an empty region", () => {
        const size = 0x8000
        const bytes = (kind: string) => (fixedMetadata(kind, 0x20020000, size) ?? []).reduce((n, s) => n + s.end - s.start, 0)
        expect(bytes("bump")).toBe(0)
        expect(bytes("tlsf")).toBeGreaterThan(0)
        expect(bytes("buddy")).toBeGreaterThan(0)
        expect(bytes("pool")).toBeGreaterThanOrEqual(1024)
        expect(fixedMetadata("slots", 0x20020000, size)).toBeNull()
    })
})

describe("the page document", () => {
    const hostile = ["</script><script>window.__pwned=1</script>", "<!--", "\u2028\u2029", "<img src=x onerror=alert(1)>", "javascript:alert(1)"]

    it("embeds JSON that no string can break out of, and that parses back to the same value", () => {
        const text = embedJson({ s: hostile })
        expect(text).not.toMatch(/[<>&\u2028\u2029]/)
        expect(JSON.parse(text)).toEqual({ s: hostile })
    })

    it("inlines its scripts under a CSP that lists exactly their hashes, with no network source", () => {
        const b = new ReportBuilder()
        b.source = hostile[0]
        STREAM.slice(0, 50).forEach(l => b.push(l))
        const html = renderPage(b.data())
        const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(m => m[1])
        expect(scripts.length).toBe(2)
        const csp = /content="(default-src[^"]*)"/.exec(html)![1]
        for (const s of scripts) expect(csp).toContain(`'sha256-${createHash("sha256").update(s).digest("base64")}'`)
        expect(csp).toContain("default-src 'none'")
        expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\/|@import|url\(\s*["']?(https?:)?\/\//i) // nothing to fetch (uPlot's licence comment names its home page)
        expect(html.match(/<\/script>/g)!.length).toBe(3) // the data element and the two scripts: the file name did not close one
        const json = /<script type="application\/json" id="bareheap-data">([^<]*)<\/script>/.exec(html)![1]
        expect(JSON.parse(json).source).toBe(hostile[0]) // the file name is data, whole, inside the JSON element
    })
})

describe("serveLive", () => {
    it("serves the page and the event stream on 127.0.0.1, and refuses another Host (DNS rebinding)", async () => {
        const stream = new HeapStream({ onError: "continue" })
        const live = await serveLive(stream, { port: 0 })
        try {
            expect(live.url).toBe(`http://127.0.0.1:${live.port}/`)
            const get = (path: string, host: string) =>
                new Promise<{ status: number; type: string }>((resolve, reject) =>
                    request({ host: "127.0.0.1", port: live.port, path, headers: { host } }, res => {
                        res.destroy()
                        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]) })
                    })
                        .on("error", reject)
                        .end(),
                )
            expect(await get("/", `127.0.0.1:${live.port}`)).toEqual({ status: 200, type: "text/html; charset=utf-8" })
            expect(await get("/", `localhost:${live.port}`)).toEqual({ status: 200, type: "text/html; charset=utf-8" })
            expect(await get("/events", `127.0.0.1:${live.port}`)).toEqual({ status: 200, type: "text/event-stream" })
            expect((await get("/", `evil.example:${live.port}`)).status).toBe(403)
            expect((await get("/events", "evil.example")).status).toBe(403)
            expect((await get("/x", `127.0.0.1:${live.port}`)).status).toBe(404)
        } finally {
            await live.close()
        }
    })
})

describe("bareheap view --html", () => {
    const dir = mkdtempSync(join(tmpdir(), "bareheap-html-"))
    const bin = join(__dirname, "../../bin/bareheap.mjs")

    it("writes the report and says what it wrote", () => {
        const log = join(dir, "run.log")
        writeFileSync(log, STREAM.join("\n") + "\n")
        const out = execFileSync("node", [bin, "view", log, "--html", join(dir, "r.html")], { encoding: "utf8" })
        expect(out).toContain(`wrote ${join(dir, "r.html")}: ${STREAM.length} events`)
        expect(readFileSync(join(dir, "r.html"), "utf8")).toMatch(/^<!doctype html>/)
    })

    it("exits 1 and prints each protocol error escaped, and still writes the report", () => {
        const log = join(dir, "bad.log")
        writeFileSync(log, ["~H 0 2 pico buddy 20020000 8000 1000 7ff 0", "~P 1 \x01<b>", "~A 1 0 c 4"].join("\n"))
        const r = spawnSync("node", [bin, "view", log, "--html", join(dir, "bad.html")], { encoding: "utf8" })
        expect(r.status).toBe(1)
        expect(r.stderr).toContain(`"~P 1 \\x01<b>": field 2 (phase name)`)
        expect(r.stdout).toContain("2 events")
    })

    it("rejects --html with --serve, and a bad port, as usage errors", () => {
        expect(spawnSync("node", [bin, "view", "--html", "x.html", "--serve"], { encoding: "utf8" }).status).toBe(2)
        expect(spawnSync("node", [bin, "view", "--serve", "70000"], { encoding: "utf8" }).status).toBe(2)
    })
})
