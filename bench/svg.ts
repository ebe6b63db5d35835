/**
 * bench/svg.ts — the two kinds of plot the benchmark report draws, as plain
 * SVG text (no dependency, viewable on GitHub and in any browser):
 *
 *   groupedBars   one group per trace, one bar per allocator (utilization)
 *   quantileChart one row per allocator: the p50, p90, p99 and max of a
 *                 per-op cost distribution on a log axis (reads+writes per op)
 *
 * Both are deterministic functions of their data (no timestamps, fixed
 * number formatting), so a re-run with the same numbers writes the same file.
 *
 * ```ts
 * writeFileSync("bench/utilization.svg", groupedBars("Utilization", ["short1"], ["buddy"], [[0.5]], 1))
 * ```
 */

/** One colour per series, readable on white and for common colour blindness (Okabe–Ito). */
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

function esc(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}

function num(x: number): string {
    return (Math.round(x * 10) / 10).toString()
}

/**
 * Bars of values[g][s] for group g (x axis) and series s (colour), y from 0
 * to yMax; a missing value (NaN or null) leaves a gap marked "×".
 */
export function groupedBars(title: string, groups: string[], series: string[], values: (number | null)[][], yMax: number, yLabel = ""): string {
    const barW = 9
    const gap = 14
    const groupW = series.length * barW + gap
    const left = 48
    const top = 34
    const h = 220
    const width = left + groups.length * groupW + 20
    const height = top + h + 110
    const out: string[] = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
        `<rect width="100%" height="100%" fill="white"/>`,
        `<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ]
    for (let i = 0; i <= 4; i++) {
        const v = (yMax * i) / 4
        const y = top + h - (h * i) / 4
        out.push(`<line x1="${left}" x2="${width - 10}" y1="${num(y)}" y2="${num(y)}" stroke="#ddd"/>`)
        out.push(`<text x="${left - 6}" y="${num(y + 4)}" text-anchor="end">${num(v)}</text>`)
    }
    if (yLabel) out.push(`<text x="12" y="${top + h / 2}" transform="rotate(-90 12 ${top + h / 2})" text-anchor="middle">${esc(yLabel)}</text>`)
    groups.forEach((g, gi) => {
        const x0 = left + gi * groupW + gap / 2
        series.forEach((_, si) => {
            const v = values[gi]?.[si]
            const x = x0 + si * barW
            if (v === null || v === undefined || Number.isNaN(v)) {
                out.push(`<text x="${num(x + barW / 2)}" y="${top + h - 3}" text-anchor="middle" fill="#999">×</text>`)
                return
            }
            const bh = (h * Math.min(v, yMax)) / yMax
            out.push(`<rect x="${num(x)}" y="${num(top + h - bh)}" width="${barW - 1}" height="${num(bh)}" fill="${COLOURS[si % COLOURS.length]}"><title>${esc(g)} ${esc(series[si])}: ${v}</title></rect>`)
        })
        const lx = x0 + (series.length * barW) / 2
        out.push(`<text x="${num(lx)}" y="${top + h + 12}" transform="rotate(40 ${num(lx)} ${top + h + 12})">${esc(g)}</text>`)
    })
    series.forEach((s, si) => {
        const x = left + si * 110
        out.push(`<rect x="${x}" y="${height - 18}" width="10" height="10" fill="${COLOURS[si % COLOURS.length]}"/>`)
        out.push(`<text x="${x + 14}" y="${height - 9}">${esc(s)}</text>`)
    })
    out.push("</svg>")
    return out.join("\n") + "\n"
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: number[], q: number): number {
    if (sorted.length === 0) return NaN
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
    return sorted[i]
}

/**
 * One row per series: a line from p50 to max on a log10 x axis with marks at
 * p50 (●), p90 (▲), p99 (◆) and max (|) — the shape of a per-op cost
 * distribution, where the tail is what a real-time system cares about.
 */
export function quantileChart(title: string, rows: { name: string; values: number[] }[], xLabel: string): string {
    const left = 90
    const top = 36
    const rowH = 26
    const w = 520
    const height = top + rows.length * rowH + 56
    const width = left + w + 30
    const stats = rows.map(r => {
        const s = [...r.values].sort((a, b) => a - b)
        return { name: r.name, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s[s.length - 1] }
    })
    const hi = Math.max(10, ...stats.map(s => s.max || 1))
    const decades = Math.ceil(Math.log10(hi))
    const x = (v: number) => left + (w * Math.log10(Math.max(1, v))) / decades
    const out: string[] = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
        `<rect width="100%" height="100%" fill="white"/>`,
        `<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ]
    for (let d = 0; d <= decades; d++) {
        const xx = x(10 ** d)
        out.push(`<line x1="${num(xx)}" x2="${num(xx)}" y1="${top - 6}" y2="${top + rows.length * rowH}" stroke="#ddd"/>`)
        out.push(`<text x="${num(xx)}" y="${top + rows.length * rowH + 14}" text-anchor="middle">${10 ** d}</text>`)
    }
    out.push(`<text x="${left + w / 2}" y="${top + rows.length * rowH + 30}" text-anchor="middle">${esc(xLabel)} (log scale)</text>`)
    stats.forEach((s, i) => {
        const y = top + i * rowH + rowH / 2
        const c = COLOURS[i % COLOURS.length]
        out.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end">${esc(s.name)}</text>`)
        if (Number.isNaN(s.p50)) return
        out.push(`<line x1="${num(x(s.p50))}" x2="${num(x(s.max))}" y1="${y}" y2="${y}" stroke="${c}" stroke-width="2"/>`)
        out.push(`<circle cx="${num(x(s.p50))}" cy="${y}" r="4" fill="${c}"><title>p50 ${s.p50}</title></circle>`)
        out.push(`<path d="M${num(x(s.p90))},${y - 5} l4,8 h-8 z" fill="${c}"><title>p90 ${s.p90}</title></path>`)
        out.push(`<path d="M${num(x(s.p99))},${y - 5} l4,5 l-4,5 l-4,-5 z" fill="${c}"><title>p99 ${s.p99}</title></path>`)
        out.push(`<line x1="${num(x(s.max))}" x2="${num(x(s.max))}" y1="${y - 6}" y2="${y + 6}" stroke="${c}" stroke-width="2"><title>max ${s.max}</title></line>`)
    })
    out.push(`<text x="${left}" y="${height - 6}" fill="#555">● p50   ▲ p90   ◆ p99   | max</text>`)
    out.push("</svg>")
    return out.join("\n") + "\n"
}
