/**
 * sim/html/report_file.ts — `bareheap view <stream> --html report.html`: the
 * stream decoded once (tolerantly: a ProtocolError becomes a row of the
 * page's anomaly table and a line on stderr, and the exit code says 1) and
 * written as one self-contained HTML file (page.ts).
 *
 * Cost: O(lines) to decode (report_model.ts) plus the page's size in memory,
 * 10–30 bytes of HTML per event (gzipped columns in base64, plus ~80 KB of
 * page and uPlot); bench/html.md has the measured numbers.
 */
import { writeFileSync } from "node:fs"
import { renderPage } from "./page"
import { ReportBuilder } from "./report_model"

export interface ReportResult {
    events: number
    bytes: number
    /** The first HISTORY_LIMIT ProtocolError messages, in line order (each also a row of the page's anomaly table). */
    protocolErrors: string[]
    /** All ProtocolErrors. */
    errorCount: number
    anomalies: number
}

/** The report page for a whole stream: console text, or a board's raw USB serial bytes (HeapStream strips the framing). */
export function reportHtml(input: string | Uint8Array, options: { allowGaps?: boolean; source?: string } = {}): { html: string; builder: ReportBuilder; protocolErrors: string[] } {
    const builder = new ReportBuilder({ allowGaps: options.allowGaps, tolerant: true })
    builder.source = options.source ?? ""
    builder.stream.push(input)
    builder.stream.end()
    const html = renderPage(builder.data())
    return { html, builder, protocolErrors: builder.protocolErrors.map(r => String(r["message"])) }
}

/** Writes the report for `text` to `file`. */
export function writeReport(text: string | Uint8Array, file: string, options: { allowGaps?: boolean; source?: string } = {}): ReportResult {
    const { html, builder, protocolErrors } = reportHtml(text, options)
    writeFileSync(file, html)
    return { events: builder.eventCount, bytes: Buffer.byteLength(html), protocolErrors, errorCount: builder.stream.errorCount, anomalies: builder.decoder.anomalyCount }
}
