/**
 * tests/helpers/bounds_run.ts — run by tests/sim/stream_bounds.test.ts in a
 * child process under `node --max-old-space-size=256 --expose-gc`: if the
 * streaming decoder's memory were not bounded, this process would die of
 * out-of-memory instead of printing its JSON.
 *
 *   hostile  10^6 hostile lines (bench/decoder_streams.ts) plus raw random
 *            bytes (FE escapes and all), pushed in batches as a monitor would,
 *            then a clean stream that must still decode exactly.
 *   shapes   issue 11's three shapes (20,000 phases after 3,000 blocks,
 *            30,000 allocations after a phase, 40,000 small blocks after a
 *            large one).
 */
import { HeapStream } from "../../sim/stream"
import { StreamDecoder } from "../../sim/decoder"
import { seededRandom } from "../../sim/usb_wrap"
import { allocsAfterPhase, hostileStream, phasesAfterBlocks, smallAfterLarge, toBytes, validStream } from "../../bench/decoder_streams"

const gc = (globalThis as { gc?: () => void }).gc as () => void
const heapMB = () => {
    gc()
    return process.memoryUsage().heapUsed / 2 ** 20
}

function hostile(lines: number) {
    const s = new HeapStream({ allowGaps: true, onError: "continue" })
    const rnd = seededRandom(99)
    let maxHeap = 0
    const BATCH = 10_000
    for (let b = 0; b < lines / BATCH; b++) {
        s.push(toBytes(hostileStream(BATCH, 1000 + b)))
        const raw = new Uint8Array(200)
        for (let i = 0; i < raw.length; i++) raw[i] = rnd() < 0.2 ? 0xf8 + Math.floor(rnd() * 8) : Math.floor(rnd() * 256)
        s.push(raw)
        if (b % 20 === 0) maxHeap = Math.max(maxHeap, heapMB())
    }
    const before = { anomalies: s.decoder.anomalyCount, errors: s.errorCount }
    const clean = validStream(20_000, 5)
    s.push("\n" + clean.join("\n") + "\n")
    s.end()
    const ref = new StreamDecoder()
    clean.forEach(l => ref.push(l))
    return {
        lines: s.lineNo,
        anomalies: s.decoder.anomalyCount,
        keptAnomalies: s.decoder.anomalies.length,
        errors: s.errorCount,
        keptErrors: s.errors.length,
        transport: s.transport,
        cleanAfter: {
            newAnomalies: s.decoder.anomalyCount - before.anomalies,
            newErrors: s.errorCount - before.errors,
            sameBlocks: JSON.stringify(s.decoder.blocks()) === JSON.stringify(ref.blocks()),
            sameCounts: JSON.stringify(s.decoder.counts) === JSON.stringify(ref.counts),
        },
        maxHeapMB: Math.max(maxHeap, heapMB()),
        summaryChars: s.summary().length,
    }
}

function shape(lines: string[]) {
    const s = new HeapStream()
    s.push(lines.join("\n") + "\n")
    s.end()
    const peaks = s.viewer.peaks
    return { failed: s.failed?.message ?? null, live: s.decoder.counts.liveBlocks, peaks: peaks.length, peakBlocks: peaks.map(p => p.blocks.length), dropped: s.viewer.phasesDropped, heapMB: heapMB() }
}

const what = process.argv[2]
const out =
    what === "hostile"
        ? hostile(Number(process.argv[3] ?? 1_000_000))
        : { phases: shape(phasesAfterBlocks(3000, 20000)), allocs: shape(allocsAfterPhase(30000)), large: shape(smallAfterLarge(40000)) }
process.stdout.write(JSON.stringify(out))
