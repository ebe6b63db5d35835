/*
 * sim/html/client.js — the heap report page's script (plain browser JS,
 * inlined by page.ts after uPlot). It reads the report data (ReportData in
 * report_model.ts) from the JSON element, or from /events in live mode, and
 * draws: the chip's memory map, the heap region at the scrubber's event,
 * the timeline, and the tables.
 *
 * The heap map is one band per region (D.regions, in address order), all at
 * the same bytes per row; a multi-region heap gets a caption strip above
 * each band and a hatched strip for each hole between regions (not heap:
 * nothing is ever drawn in it). A single region is one band at the top,
 * exactly the old geometry:
 *
 *   [caption: region 0 · range · size · kind · tags]     (multi only)
 *   rows of region 0, rowBytes each, ROW_H px
 *   [hole 0x…–0x… (96 KiB): not heap]                      (multi, if a hole)
 *   [caption: region 1 …]
 *   rows of region 1
 *
 * Columns arrive as base64 (gzipped in a report file: inflated with the
 * browser's DecompressionStream, so loading is a promise chain that keeps
 * live deltas in arrival order). Seqs are not sent per event: seqBreaks
 * gives the seq where it does not follow on (restarts, gaps).
 *
 * Reconstruction: a block life l is live at event e iff from[l] ≤ e < to[l];
 * lives are in order of `from`. snaps[k] lists the lives live at event
 * k·SNAP (built once, and extended as live events arrive), so
 *   liveAt(e) = { l ∈ snaps[⌊e/SNAP⌋] : to[l] > e } ∪ { l : k·SNAP < from[l] ≤ e, to[l] > e }
 * costs O(live + SNAP) per scrub frame; drawing costs O(live + rows).
 * Building the snapshots costs O(E/SNAP · live) once. Measured: bench/html.md.
 *
 * Safety: every string from the data goes through textContent or canvas
 * fillText. Nothing here uses innerHTML, insertAdjacentHTML or document.write.
 */
;(function () {
    "use strict"
    var SNAP = 1024
    var $ = function (id) { return document.getElementById(id) }
    function el(tag, text, cls) {
        var e = document.createElement(tag)
        if (text !== undefined && text !== null) e.textContent = String(text)
        if (cls) e.className = cls
        return e
    }
    var CTOR = { f64: Float64Array, i32: Int32Array, u8: Uint8Array }
    /** An EncodedColumn (columns.ts) back to its typed array: a promise, since a gzipped one inflates in a stream. */
    function col(c) {
        var bin = atob(c.b64)
        var bytes = new Uint8Array(bin.length)
        for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
        var raw = c.z ? new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer() : Promise.resolve(bytes.buffer)
        return raw.then(function (buf) { return new CTOR[c.t](buf, 0, c.n) })
    }
    /** A growable column: typed array `a` with `n` used elements. */
    function Grow(type) { this.a = new CTOR[type](16); this.n = 0; this.type = type }
    Grow.prototype.append = function (arr) {
        if (this.n + arr.length > this.a.length) {
            var cap = this.a.length
            while (cap < this.n + arr.length) cap *= 2
            var next = new CTOR[this.type](cap)
            next.set(this.a.subarray(0, this.n))
            this.a = next
        }
        this.a.set(arr, this.n)
        this.n += arr.length
    }
    var hex = function (n) { return "0x" + n.toString(16) }

    var D = null // the latest ReportData (tables, samples, header…)
    var ev = { type: new Grow("u8"), life: new Grow("i32") }
    var breakEv = [], breakSeq = [] // seq of event e: breakSeq[k] + e − breakEv[k], k the last break ≤ e
    var lv = { ptr: new Grow("f64"), size: new Grow("f64"), alignLog2: new Grow("u8"), from: new Grow("i32"), to: new Grow("i32"), origin: new Grow("i32"), tag: new Grow("u8") }
    var snaps = []
    var cur = 0
    var live = []
    var follow = false
    var chart = null
    var selected = -1

    function E() { return ev.type.n }

    function seqAt(e) {
        var lo = 0, hi = breakEv.length
        while (lo < hi) { var mid = (lo + hi) >>> 1; if (breakEv[mid] <= e) lo = mid + 1; else hi = mid }
        return lo === 0 ? e : breakSeq[lo - 1] + e - breakEv[lo - 1]
    }
    function alignOf(l) { return Math.pow(2, lv.alignLog2.a[l]) }

    /** Appends a full or delta ReportData's columns (all inflated first, so a delta applies whole). */
    function appendColumns(d) {
        var names = [], jobs = []
        for (var k in ev) { names.push([ev[k]]); jobs.push(col(d.events[k])) }
        for (var j in lv) { names.push([lv[j]]); jobs.push(col(d.lives[j])) }
        return Promise.all(jobs).then(function (arrays) {
            for (var i = 0; i < arrays.length; i++) names[i][0].append(arrays[i])
            for (var b = 0; b + 1 < d.seqBreaks.length; b += 2) { breakEv.push(d.seqBreaks[b]); breakSeq.push(d.seqBreaks[b + 1]) }
            for (var c = 0; c + 1 < d.closed.length; c += 2) lv.to.a[d.closed[c]] = d.closed[c + 1]
            for (var r = 0; r + 1 < d.retagged.length; r += 2) lv.tag.a[d.retagged[r]] = d.retagged[r + 1]
        })
    }

    /** First life with from > x (lives are in order of from). */
    function firstAfter(x) {
        var lo = 0, hi = lv.from.n, f = lv.from.a
        while (lo < hi) { var mid = (lo + hi) >>> 1; if (f[mid] <= x) lo = mid + 1; else hi = mid }
        return lo
    }

    /** Extends snaps to cover every event so far. */
    function buildSnaps() {
        var to = lv.to.a
        while (snaps.length * SNAP < E()) {
            var k = snaps.length, at = k * SNAP
            var prev = k === 0 ? [] : snaps[k - 1]
            var out = []
            for (var i = 0; i < prev.length; i++) if (to[prev[i]] > at) out.push(prev[i])
            var a = k === 0 ? 0 : firstAfter((k - 1) * SNAP), b = firstAfter(at)
            for (var l = a; l < b; l++) if (to[l] > at) out.push(l)
            snaps.push(Int32Array.from(out))
        }
    }

    function liveAt(e) {
        var to = lv.to.a, k = Math.floor(e / SNAP), base = snaps[k], out = []
        for (var i = 0; i < base.length; i++) if (to[base[i]] > e) out.push(base[i])
        var b = firstAfter(e)
        for (var l = firstAfter(k * SNAP); l < b; l++) if (to[l] > e) out.push(l)
        return out
    }

    // ---- the heap map -------------------------------------------------
    var canvas = $("map"), ctx = canvas.getContext("2d")
    var W = canvas.width, ROW_H = 10, rowBytes = 64
    var FREE = "#eef1f4", META = "#3b4252", EDGE = "#00000055"
    var PALETTE = ["#8b95a5", "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#2f4b7c", "#a05195"]
    function tagColour(t) { return t === 0 ? PALETTE[0] : PALETTE[1 + ((t - 1) % (PALETTE.length - 1))] }
    function ageColour(age, span) {
        var x = span > 0 ? Math.log(1 + age) / Math.log(1 + span) : 0
        return "hsl(" + Math.round(50 + 230 * x) + ",75%," + Math.round(58 - 18 * x) + "%)"
    }

    var CAP_H = 14, HOLE_H = 16, HOLE = "#c9ced6"
    var bands = [] // per region: { r: the region, at: its offset from the header's base, top: y of its first row, rows }
    var holeBands = [] // { top, base, size }
    /** The regions (one for a v1/v2 stream; none while a v3 table has not arrived: nothing is drawn). */
    function regionsOf() { return D.header ? D.regions : [] }
    var multiBands = false // a v3 stream: captions above the bands, region names in tooltips
    function isMulti() { return multiBands }
    function tagsText(r) { return r.tags.length === 0 ? "-" : r.tags.join(",") }
    function rangeText(base, size) { return hex(base) + "–" + hex(base + size - 1) }

    function layoutMap() {
        var rs = regionsOf(), multi = D.header !== null && D.header.version >= 3, maxRows = Math.max(40, rs.length)
        function rowsFor(b) { var n = 0; for (var i = 0; i < rs.length; i++) n += Math.ceil(rs[i].size / b); return n }
        rowBytes = 64
        while (rowsFor(rowBytes) > maxRows) rowBytes *= 2
        bands = []
        holeBands = []
        multiBands = multi
        var y = 0
        for (var i = 0; i < rs.length; i++) {
            var prevEnd = i > 0 ? rs[i - 1].base + rs[i - 1].size : rs[i].base
            if (rs[i].base > prevEnd) { holeBands.push({ top: y, base: prevEnd, size: rs[i].base - prevEnd }); y += HOLE_H }
            if (multi) y += CAP_H
            var rows = Math.ceil(rs[i].size / rowBytes)
            bands.push({ r: rs[i], at: rs[i].base - D.header.base, top: y, rows: rows })
            y += rows * ROW_H
        }
        var h = Math.max(ROW_H, y)
        if (canvas.height !== h) canvas.height = h
    }

    /** Fills [start, end) (offsets from the header's base) where it lies in a region: never a hole. */
    function fillSpan(start, end, colour) {
        ctx.fillStyle = colour
        for (var i = 0; i < bands.length; i++) {
            var b = bands[i], s = Math.max(start, b.at) - b.at, e = Math.min(end, b.at + b.r.size) - b.at
            while (s < e) {
                var r = Math.floor(s / rowBytes), rowEnd = Math.min(e, (r + 1) * rowBytes)
                var x0 = ((s - r * rowBytes) * W) / rowBytes, x1 = ((rowEnd - r * rowBytes) * W) / rowBytes
                ctx.fillRect(x0, b.top + r * ROW_H, Math.max(1, x1 - x0), ROW_H - 1)
                s = rowEnd
            }
        }
    }

    /** Captions above the bands and the hatched holes between them (a multi-region heap only). Canvas text: never markup. */
    function drawBandLabels() {
        if (!isMulti()) return
        ctx.save()
        ctx.font = "11px sans-serif"
        ctx.textBaseline = "bottom"
        for (var i = 0; i < bands.length; i++) {
            var r = bands[i].r
            ctx.fillStyle = "#1b1f24"
            ctx.fillText("region " + r.index + " · " + rangeText(r.base, r.size) + " · " + sizeText(r.size) + " · " + r.kind + " · tags " + tagsText(r), 2, bands[i].top - 2)
        }
        for (var j = 0; j < holeBands.length; j++) {
            var hb = holeBands[j]
            ctx.fillStyle = HOLE
            for (var x = -HOLE_H; x < W; x += 8) ctx.fillRect(x + (hb.top % 8), hb.top + 7, 4, 2) // a dashed strip: not memory
            ctx.fillStyle = "#57606a"
            ctx.fillText("hole " + rangeText(hb.base, hb.size) + " (" + sizeText(hb.size) + "): not heap", W / 3, hb.top + HOLE_H - 2)
        }
        ctx.restore()
    }

    function drawMap() {
        ctx.clearRect(0, 0, canvas.width, canvas.height)
        if (!D.header) return
        var base = D.header.base
        for (var bi = 0; bi < bands.length; bi++) fillSpan(bands[bi].at, bands[bi].at + bands[bi].r.size, FREE)
        drawBandLabels()
        var meta = D.meta || []
        for (var m = 0; m < meta.length; m++) fillSpan(meta[m].start, meta[m].end, META)
        var byAge = $("colour-by").value === "age"
        for (var i = 0; i < live.length; i++) {
            var l = live[i], s = lv.ptr.a[l] - base, n = Math.max(1, lv.size.a[l])
            fillSpan(s, s + n, byAge ? ageColour(cur - lv.origin.a[l], E()) : tagColour(lv.tag.a[l]))
            fillSpan(s, s + Math.min(n, rowBytes / W), EDGE) // a hairline where each block starts
        }
        if (selected >= 0 && lv.to.a[selected] > cur && lv.from.a[selected] <= cur) {
            var ss = lv.ptr.a[selected] - base
            fillSpan(ss, ss + Math.max(1, lv.size.a[selected]), "#000000aa")
        }
    }

    function drawLegend() {
        var lg = $("legend")
        lg.textContent = ""
        function item(colour, text) {
            var s = el("span")
            var sw = el("span", null, "sw")
            sw.style.background = colour
            s.appendChild(sw)
            s.appendChild(document.createTextNode(text))
            lg.appendChild(s)
        }
        item(FREE, "free (or per-block headers: the stream does not say)")
        if (D.meta) item(META, "allocator metadata (fixed)")
        if (holeBands.length > 0) item(HOLE, "hole between regions (not heap)")
        if ($("colour-by").value === "age") {
            item(ageColour(0, 1), "just allocated")
            item(ageColour(1, 1), "allocated at the start")
        } else for (var t = 0; t < D.tags.length; t++) item(tagColour(t), D.tags[t] + (t === 0 ? " (no leak report named it)" : ""))
    }

    /** The live block under offset `off` (from the header's base), or −1. */
    function blockAt(off) {
        var base = D.header.base
        for (var i = 0; i < live.length; i++) {
            var l = live[i], s = lv.ptr.a[l] - base
            if (off >= s && off < s + Math.max(1, lv.size.a[l])) return l
        }
        return -1
    }
    /** The offset (from the header's base) under the mouse, or −1 over a caption, a hole or past a region's end. */
    function offsetAt(evt) {
        var r = canvas.getBoundingClientRect()
        var x = ((evt.clientX - r.left) * canvas.width) / r.width, y = ((evt.clientY - r.top) * canvas.height) / r.height
        for (var i = 0; i < bands.length; i++) {
            var b = bands[i]
            if (y < b.top || y >= b.top + b.rows * ROW_H) continue
            var local = Math.floor((y - b.top) / ROW_H) * rowBytes + Math.floor((x * rowBytes) / W)
            return local < b.r.size ? b.at + local : -1
        }
        return -1
    }
    /** Position in bands of the region holding address `ptr`, or −1: a binary search over the sorted regions (the decoder's regionOf; the page cannot import it). */
    function regionAt(ptr) {
        var lo = 0, hi = bands.length - 1
        while (lo <= hi) {
            var mid = (lo + hi) >> 1, r = bands[mid].r
            if (ptr < r.base) hi = mid - 1
            else if (ptr >= r.base + r.size) lo = mid + 1
            else return mid
        }
        return -1
    }
    function regionLine(ptr) {
        var i = isMulti() ? regionAt(ptr) : -1
        return i < 0 ? "" : "\nregion    " + bands[i].r.index + " (" + bands[i].r.kind + ", tags " + tagsText(bands[i].r) + ")"
    }
    function inMeta(off) {
        var meta = D.meta || []
        for (var m = 0; m < meta.length; m++) if (off >= meta[m].start && off < meta[m].end) return true
        return false
    }
    function blockText(l) {
        var o = lv.origin.a[l]
        return [
            "pointer   " + hex(lv.ptr.a[l]),
            "size      " + lv.size.a[l] + " B",
            "alignment " + alignOf(l),
            "allocated at seq " + hex(seqAt(o)) + " (event " + o + ")",
            "tag       " + D.tags[lv.tag.a[l]],
        ].join("\n") + regionLine(lv.ptr.a[l])
    }
    canvas.addEventListener("mousemove", function (evt) {
        if (!D || !D.header) return
        var off = offsetAt(evt), tip = $("tooltip")
        if (off < 0) { tip.hidden = true; return } // a caption or a hole: not heap
        var l = blockAt(off)
        tip.textContent = l >= 0 ? blockText(l) : hex(D.header.base + off) + "\n" + (inMeta(off) ? "allocator metadata" : "free (or a block header)") + regionLine(D.header.base + off)
        tip.hidden = false
        tip.style.left = Math.min(evt.offsetX + 14, W - 240) + "px"
        tip.style.top = evt.offsetY + 14 + "px"
    })
    canvas.addEventListener("mouseleave", function () { $("tooltip").hidden = true })
    canvas.addEventListener("click", function (evt) {
        if (!D || !D.header) return
        var off = offsetAt(evt)
        selected = off < 0 ? -1 : blockAt(off)
        var info = $("block-info")
        info.hidden = selected < 0
        info.textContent = selected >= 0 ? blockText(selected) : ""
        drawMap()
    })

    // ---- the event at the scrubber ---------------------------------------
    function eventText(e) {
        var t = D.typeNames[ev.type.a[e]], l = ev.life.a[e]
        var s = "seq " + hex(seqAt(e)) + ": " + t
        if (l >= 0) s += " " + hex(lv.ptr.a[l]) + " " + lv.size.a[l] + " B"
        if (t === "phase") for (var i = 0; i < D.phases.length; i++) if (D.phases[i].ev === e) s += " " + D.phases[i].name
        // a v3 table's ~M line: region i is on seq i + 1 (the decoder checks it)
        if (t === "region") for (var k = 0; k < D.regions.length; k++) if (D.regions[k].index === seqAt(e) - 1) s += " " + D.regions[k].index + " " + rangeText(D.regions[k].base, D.regions[k].size) + " " + D.regions[k].kind
        return s
    }

    function renderBlocksList() {
        var body = $("blocks-table").tBodies[0]
        body.textContent = ""
        if (!$("blocks-list").open) return
        var sorted = live.slice().sort(function (a, b) { return lv.ptr.a[a] - lv.ptr.a[b] })
        var shown = sorted.slice(0, 500)
        for (var i = 0; i < shown.length; i++) {
            var l = shown[i], tr = el("tr")
            tr.appendChild(el("td", hex(lv.ptr.a[l]), "mono"))
            tr.appendChild(el("td", lv.size.a[l], "num"))
            tr.appendChild(el("td", alignOf(l), "num"))
            tr.appendChild(el("td", hex(seqAt(lv.origin.a[l])), "mono"))
            tr.appendChild(el("td", D.tags[lv.tag.a[l]]))
            body.appendChild(tr)
        }
        $("blocks-more").textContent = sorted.length > shown.length ? "… and " + (sorted.length - shown.length) + " more" : ""
    }

    function seek(e) {
        var n = E()
        if (n === 0) return
        cur = Math.max(0, Math.min(n - 1, Math.round(e)))
        live = liveAt(cur)
        var bytes = 0
        for (var i = 0; i < live.length; i++) bytes += lv.size.a[live[i]]
        var sc = $("scrubber")
        sc.max = String(n - 1)
        sc.value = String(cur)
        $("now-seq").textContent = "event " + cur + " / " + (n - 1)
        $("now-event").textContent = eventText(cur)
        $("now-blocks").textContent = String(live.length)
        $("now-bytes").textContent = String(bytes)
        document.body.dataset.event = String(cur)
        drawMap()
        renderBlocksList()
        renderRegions()
        placeMarker()
    }

    /** The regions table: live blocks, bytes and share at the scrubbed event (from `live`), and each region's peak over the stream. */
    function renderRegions() {
        var body = $("regions").tBodies[0], n = bands.length
        body.textContent = ""
        var blocks = new Array(n).fill(0), bytes = new Array(n).fill(0)
        for (var i = 0; i < live.length; i++) {
            var k = regionAt(lv.ptr.a[live[i]])
            if (k >= 0) { blocks[k]++; bytes[k] += lv.size.a[live[i]] }
        }
        var peaks = {}
        var rows = D.tables.regions ? D.tables.regions.rows : []
        for (var p = 0; p < rows.length; p++) peaks[rows[p].index] = rows[p].peakLiveBytes
        for (var j = 0; j < n; j++) {
            var r = bands[j].r, tr = el("tr")
            var cells = [[r.index, "num"], [rangeText(r.base, r.size), "mono"], [sizeText(r.size), "num"], [r.kind], [tagsText(r)], [blocks[j], "num"], [bytes[j], "num"], [(r.size > 0 ? ((100 * bytes[j]) / r.size).toFixed(1) : "0.0") + " %", "num"], [peaks[r.index] === undefined ? "" : peaks[r.index], "num"]]
            for (var c = 0; c < cells.length; c++) tr.appendChild(el("td", cells[c][0], cells[c][1]))
            body.appendChild(tr)
        }
        $("regions-note").textContent = (n > 1 ? n + " regions; the holes between them are not heap. " : "") + (D.regionsComplete === false ? "The region table is incomplete (lines lost in a gap): blocks in the missing regions are not counted here. " : "") + "Live blocks, bytes and share at the scrubbed event; the peak over the whole stream."
    }

    // ---- timeline ---------------------------------------------------------
    function placeMarker() {
        var mk = $("timeline-marker")
        if (!chart) return
        var x = chart.valToPos(cur, "x")
        mk.style.left = chart.over.offsetLeft + x - 1 + "px"
        mk.style.top = chart.over.offsetTop + "px"
        mk.style.height = chart.over.offsetHeight + "px"
    }

    function chartData() {
        var s = D.samples
        return [s.ev, s.live, s.gap, s.inUse, s.free, s.largest, s.frag, s.fails]
    }

    function drawMarks(u) {
        var c = u.ctx, top = u.bbox.top, h = u.bbox.height
        c.save()
        c.setLineDash([4, 4])
        c.font = 11 * devicePixelRatio + "px sans-serif"
        var marks = D.phases.map(function (p) { return [p.ev, p.name, "#6e40c9"] }).concat(D.restarts.slice(1).map(function (r) { return [r, "restart", "#cf222e"] }))
        for (var i = 0; i < marks.length; i++) {
            var x = u.valToPos(marks[i][0], "x", true)
            c.strokeStyle = c.fillStyle = marks[i][2]
            c.beginPath()
            c.moveTo(x, top)
            c.lineTo(x, top + h)
            c.stroke()
            c.fillText(marks[i][1], x + 3, top + 12 * devicePixelRatio + (i % 3) * 12 * devicePixelRatio) // canvas text: never markup
        }
        c.restore()
    }

    function makeChart() {
        var box = $("timeline")
        if (chart) { chart.setData(chartData()); placeMarker(); return }
        var opts = {
            width: 960,
            height: 260,
            cursor: { drag: { x: false, y: false } },
            scales: { x: { time: false }, B: {}, pct: { range: [0, 100] }, n: {} },
            series: [
                { label: "event" },
                { label: "live bytes (model)", stroke: "#4e79a7", scale: "B", width: 1.5 },
                { label: "largest free gap (model)", stroke: "#59a14f", scale: "B" },
                { label: "in use (~S)", stroke: "#f28e2b", scale: "B", width: 1.5 },
                { label: "free (~S)", stroke: "#76b7b2", scale: "B" },
                { label: "largest free (~S)", stroke: "#2f4b7c", scale: "B", dash: [5, 3] },
                { label: "fragmentation %", stroke: "#b07aa1", scale: "pct" },
                { label: "failures (~X)", stroke: "#e15759", scale: "n", width: 2, paths: uPlot.paths.stepped({ align: 1 }) },
            ],
            axes: [{ label: "event" }, { scale: "B", label: "bytes", size: 60 }, { scale: "pct", side: 1, label: "%", grid: { show: false } }, { scale: "n", side: 1, label: "failures", grid: { show: false } }],
            hooks: { draw: [drawMarks] },
        }
        chart = new uPlot(opts, chartData(), box)
        chart.over.addEventListener("click", function () {
            var x = chart.posToVal(chart.cursor.left, "x")
            if (isFinite(x)) { setFollow(false); stop(); seek(x) }
        })
        box.appendChild($("timeline-marker"))
        placeMarker()
    }

    // ---- memory map and tables ---------------------------------------------
    function sizeText(n) {
        if (n >= 1048576 && n % 1048576 === 0) return n / 1048576 + " MiB"
        if (n >= 1024 && n % 1024 === 0) return n / 1024 + " KiB"
        return n + " B"
    }
    function drawMemoryMap() {
        var box = $("memory-map"), b = D.board, h = D.header
        box.textContent = ""
        if (!h) return
        if (!b) { box.appendChild(el("p", 'board "' + h.board + '" is not one bareheap knows: no memory map')); return }
        var mems = b.memory.slice().sort(function (x, y) { return x.base - y.base }), heap = regionsOf()
        for (var i = 0; i < mems.length; i++) {
            var m = mems[i], row = el("div", null, "mm-row"), bar = el("div", null, "mm-bar")
            // each heap region is drawn in the memory that holds its base
            for (var k = 0; k < heap.length; k++) {
                var r = heap[k]
                if (r.base < m.base || r.base >= m.base + m.size) continue
                row.className = "mm-row has-heap"
                var hp = el("div", null, "mm-heap")
                hp.style.left = (100 * (r.base - m.base)) / m.size + "%"
                hp.style.width = (100 * Math.min(r.size, m.base + m.size - r.base)) / m.size + "%"
                hp.title = (heap.length > 1 ? "heap region " + r.index + " " : "heap region ") + hex(r.base) + "+" + sizeText(r.size)
                bar.appendChild(hp)
            }
            row.appendChild(el("span", m.name))
            row.appendChild(el("span", m.kind))
            row.appendChild(el("span", hex(m.base) + "–" + hex(m.base + m.size - 1) + " (" + sizeText(m.size) + ")", "mono"))
            row.appendChild(bar)
            box.appendChild(row)
        }
        if (heap.length > 1) {
            var total = 0
            for (var t = 0; t < heap.length; t++) total += heap[t].size
            box.appendChild(el("p", "heap: " + heap.length + " regions, " + sizeText(total) + " in all (from the stream's header), " + h.allocator + " allocator"))
        } else box.appendChild(el("p", "heap region: " + sizeText(h.size) + " at " + hex(h.base) + " (from the stream's header), " + h.allocator + " allocator"))
    }

    function fillTable(id, t, cells) {
        var body = $(id).tBodies[0]
        body.textContent = ""
        for (var i = 0; i < t.rows.length; i++) {
            var tr = el("tr"), r = t.rows[i], cs = cells(r)
            for (var j = 0; j < cs.length; j++) tr.appendChild(el("td", cs[j][0], cs[j][1]))
            if (typeof r.ev === "number") {
                // a finding row: click shows the heap at its event
                tr.className = "goto"
                tr.title = "show the heap at event " + r.ev
                tr.addEventListener("click", seekHandler(r.ev))
            }
            body.appendChild(tr)
        }
        var more = $(id + "-more")
        if (more) more.textContent = t.total > t.rows.length ? "… " + (t.total - t.rows.length) + " more rows not shown (" + t.total + " in all)" : t.total === 0 ? "none" : ""
    }
    function seekHandler(e) { return function () { setFollow(false); stop(); seek(e) } }
    function seqText(s) { return s === null || s === undefined ? "" : hex(s) }
    function drawTables() {
        var t = D.tables
        $("leaks-source").textContent = t.leaks.source
        fillTable("leaks", t.leaks, function (r) { return [[hex(r.ptr), "mono"], [r.size, "num"], [r.align, "num"], [r.kind], [seqText(r.allocSeq), "mono"]] })
        fillTable("anomalies", t.anomalies, function (r) { return [[r.kind], [r.lineNo, "num"], [seqText(r.seq), "mono"], [r.message]] })
        $("peak-title").textContent = D.peakEv >= 0 ? "at event " + D.peakEv + " (seq " + hex(seqAt(D.peakEv)) + "), the most live bytes" : ""
        fillTable("tags-at-peak", t.tagsAtPeak, function (r) { return [[r.tag], [r.blocks, "num"], [r.bytes, "num"], [r.share + " %", "num"]] })
        fillTable("final", t.final, function (r) { return [[r.name], [r.value, "num"]] })
    }

    function drawHeader() {
        var h = D.header
        document.title = "bareheap: " + (h ? h.allocator + " on " + h.board : "no stream yet") + (D.source ? " — " + D.source : "")
        $("subtitle").textContent = h
            ? (D.source ? D.source + " · " : "") + "protocol v" + h.version + " · " + h.allocator + " on " + (D.board ? D.board.name + " (" + D.board.chip + ")" : h.board) + " · " + E() + " events"
            : "waiting for a stream header (~H)…"
    }

    var loading = Promise.resolve()
    /** Loads full (fresh) or delta data; loads run one after another, in arrival order. */
    function load(d, fresh) {
        loading = loading.then(function () { return loadNow(d, fresh) })
        return loading
    }
    function loadNow(d, fresh) {
        if (fresh) {
            for (var k in ev) ev[k].n = 0
            for (var j in lv) lv[j].n = 0
            breakEv = []
            breakSeq = []
            snaps = []
            selected = -1
        }
        return appendColumns(d).then(function () { show(d, fresh) })
    }
    function show(d, fresh) {
        // a closed life changes older snapshots' filters only through `to`, which liveAt reads; a new header may change the layout
        D = d
        buildSnaps()
        drawHeader()
        drawMemoryMap()
        layoutMap()
        drawLegend()
        drawTables()
        makeChart()
        // a report opens at its peak (the most telling picture); a live page follows the end
        seek(follow ? E() - 1 : fresh ? (D.peakEv >= 0 ? D.peakEv : E() - 1) : cur)
    }

    // ---- play, follow ---------------------------------------------------------
    var timer = 0
    function stop() { if (timer) { clearInterval(timer); timer = 0; $("play").textContent = "▶ play" } }
    $("play").addEventListener("click", function () {
        if (timer) return stop()
        setFollow(false)
        if (cur >= E() - 1) seek(0)
        var step = Math.max(1, Math.round(E() / 400))
        $("play").textContent = "■ stop"
        timer = setInterval(function () { if (cur >= E() - 1) stop(); else seek(cur + step) }, 25)
    })
    function setFollow(on) {
        follow = on
        if (D && D.live) {
            $("pause").textContent = on ? "⏸ pause" : "⏵ follow live"
            $("live-status").textContent = on ? "live: following the stream" : "live: paused (events still arrive; press follow to catch up)"
        }
    }
    $("pause").addEventListener("click", function () {
        setFollow(!follow)
        if (follow) { stop(); seek(E() - 1) }
    })
    $("scrubber").addEventListener("input", function () { setFollow(false); stop(); seek(Number(this.value)) })
    $("colour-by").addEventListener("change", function () { drawLegend(); drawMap() })
    $("blocks-list").addEventListener("toggle", renderBlocksList)
    document.addEventListener("keydown", function (k) {
        if (k.target && k.target.tagName === "SELECT") return
        if (k.key === "ArrowRight") seek(cur + 1)
        else if (k.key === "ArrowLeft") seek(cur - 1)
    })

    // ---- start ----------------------------------------------------------------
    var first = JSON.parse($("bareheap-data").textContent)
    window.bareheap = { seek: function (e) { setFollow(false); stop(); seek(e) }, events: E, ready: false }
    if (first.live) {
        $("pause").hidden = false
        $("live-status").hidden = false
        setFollow(true)
        var source = new EventSource("events")
        source.addEventListener("full", function (m) { load(JSON.parse(m.data), true).then(function () { window.bareheap.ready = true }) })
        source.addEventListener("delta", function (m) { load(JSON.parse(m.data), false) })
        source.onerror = function () { $("live-status").textContent = "live: connection lost (the server stopped?)" }
    } else {
        load(first, true).then(function () {
            window.bareheap.ready = true
            // the frame after the first draw has been painted: bench/html.ts reads this as "first paint of the heap"
            requestAnimationFrame(function () { requestAnimationFrame(function () { window.bareheap.paintedAt = performance.now() }) })
        })
    }
})()
