import { footprint } from "./footprint"
import { RECORDED_TRACES, MCU_TRACES } from "./trace/encode"
import { MCU_WINDOWS, benchTrace } from "./trace/windows"
const kinds = (process.env['KINDS'] ?? "buddy,tlsf,pool,bump,bestfit").split(",")
const names = process.argv.slice(2).length ? process.argv.slice(2) : MCU_TRACES.concat(MCU_WINDOWS, RECORDED_TRACES)
for (const n of names) {
    const t = benchTrace(n)
    const row: string[] = [n, String(t.peakPayload)]
    for (const k of kinds) { const f = await footprint(k, t); row.push(k + "=" + f.footprint) }
    console.log(row.join(" "))
}
