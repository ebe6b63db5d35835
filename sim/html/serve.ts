/**
 * sim/html/serve.ts — the live heap page: an HTTP server on 127.0.0.1 that
 * serves the report page (page.ts, `live: true`) and pushes the stream's
 * changes to it as server-sent events while lines arrive.
 *
 *   const stream = new HeapStream({ allowGaps: true, onError: "continue" })
 *   const live = await serveLive(stream, { port: 0 })  // 0: any free port; attach before pushing
 *   console.log(live.url)                              // http://127.0.0.1:PORT/
 *   for await (const chunk of source) stream.push(chunk) // serial, devtools, stdin… (the monitor's pump)
 *   await live.close()
 *
 *   GET /        the page
 *   GET /events  text/event-stream:  "full" (everything so far) once, then a
 *                "delta" (ReportBuilder.delta(): appended events and lives,
 *                closed and retagged lives, the small rest whole) at most
 *                every FLUSH_MS while lines arrive
 *   anything else 404
 *
 * Bounds: one ReportBuilder for all clients (the stream is decoded once, by
 * the caller's HeapStream); a delta is computed once per flush and written to
 * every client; a new client gets the full data (and from then on the shared
 * deltas). Give the stream onError "continue" (as the monitor does): each
 * ProtocolError then becomes a row of the anomaly table and the stream goes
 * on, since a live board cannot be asked to resend.
 * Listens on 127.0.0.1 only: the page shows a device's memory, not for the LAN;
 * and answers only requests whose Host is 127.0.0.1:port or localhost:port
 * (allowedHost: a DNS-rebinding page gets 403).
 */
import { createServer, IncomingMessage, ServerResponse } from "node:http"
import { AddressInfo } from "node:net"
import { renderPage } from "./page"
import { HeapStream } from "../stream"
import { ReportBuilder } from "./report_model"

/** Longest wait between a line's arrival and the page's update. */
export const FLUSH_MS = 100

export interface LiveOptions {
    /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
    port?: number
    /** Shown in the page's title. */
    source?: string
}

export interface LiveServer {
    readonly url: string
    readonly port: number
    readonly builder: ReportBuilder
    /** Sends what is pending now (every report of the stream schedules this itself). */
    flush(): void
    close(): Promise<void>
}

/**
 * Whether a request's Host header names this server on loopback. Listening on
 * 127.0.0.1 keeps the LAN out, but not a web page the user has open: with DNS
 * rebinding its own host name can come to resolve to 127.0.0.1, and its
 * script could then read /events. Such a request carries that host name.
 */
export function allowedHost(host: string | undefined, port: number): boolean {
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`
}

export async function serveLive(stream: HeapStream, options: LiveOptions = {}): Promise<LiveServer> {
    const builder = new ReportBuilder(stream)
    builder.source = options.source ?? ""
    const clients = new Set<ServerResponse>()
    let timer: NodeJS.Timeout | null = null

    const send = (res: ServerResponse, kind: string, data: unknown) => res.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`)

    const flush = () => {
        if (timer) clearTimeout(timer)
        timer = null
        if (!builder.changed) return
        const d = builder.delta()
        for (const c of clients) send(c, "delta", d)
    }

    const handle = (req: IncomingMessage, res: ServerResponse) => {
        const path = (req.url ?? "/").split("?")[0]
        if (!allowedHost(req.headers.host, port)) {
            res.writeHead(403, { "content-type": "text/plain" })
            res.end("forbidden: this page answers only to 127.0.0.1 and localhost\n")
        } else if (req.method === "GET" && path === "/") {
            const empty = new ReportBuilder(new HeapStream()).data(true)
            empty.source = builder.source
            const body = renderPage(empty)
            res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" })
            res.end(body)
        } else if (req.method === "GET" && path === "/events") {
            res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" })
            flush() // everyone else is brought up to date first, so the full data and later deltas line up
            send(res, "full", builder.data(true))
            clients.add(res)
            req.on("close", () => clients.delete(res))
        } else {
            res.writeHead(404, { "content-type": "text/plain" })
            res.end("not found\n")
        }
    }

    stream.onReport(() => {
        if (!timer) timer = setTimeout(flush, FLUSH_MS)
    })
    let port = 0
    const server = createServer(handle)
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject)
        server.listen(options.port ?? 0, "127.0.0.1", () => resolve())
    })
    port = (server.address() as AddressInfo).port
    return {
        url: `http://127.0.0.1:${port}/`,
        port,
        builder,
        flush,
        async close() {
            if (timer) clearTimeout(timer)
            for (const c of clients) c.end()
            clients.clear()
            const closed = new Promise<void>(resolve => server.close(() => resolve()))
            server.closeAllConnections() // a browser's idle keep-alive sockets would hold close() open
            await closed
        },
    }
}
