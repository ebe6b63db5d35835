/**
 * bareheap as a dependency: a fresh DeviceScript project in a temporary
 * folder installs the package from `npm pack`'s tarball — with npm 10 (what
 * Node 20 ships; fetched from the registry as npm@10.9.9) and with this
 * machine's npm 11 — builds its own src/main.ts, which imports an allocator,
 * a board and a container from "bareheap", with `devs build`, and runs it in
 * the VM with `npx bareheap vm src/main.ts`.
 *
 * What must hold: the install runs no script of bareheap's (no `devs build`
 * inside node_modules, no "devs: not found", bareheap not in npm 11's
 * install-scripts warning), the peer @devicescript/cli is the project's own, and the
 * program prints what it computed. The two installs run side by side in
 * separate folders; installs use the npm cache (--prefer-offline). The
 * timings are printed at the end.
 */
import { execFile } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, test } from "vitest"

const exec = promisify(execFile)
const repo = process.cwd()
const work = mkdtempSync(path.join(tmpdir(), "bareheap-consumer-"))
const pkg = JSON.parse(readFileSync("package.json", "utf8"))
let tarball = ""
const timings: string[] = []

const MAIN = `import { ESP32C3, ElemKind, Global, Layout, StaticRegion, TlsfAllocator, Vec, alloc, dealloc, setGlobalAllocator } from "bareheap"

const heap = new TlsfAllocator(StaticRegion.forBoard(ESP32C3))
setGlobalAllocator(heap)
const v = Vec.newIn(new Global(), ElemKind.U32)
for (let i = 0; i < 100; i++) v.push(i * 3)
let sum = 0
for (let i = 0; i < v.length(); i++) sum += v.get(i)
const layout = Layout.fromSizeAlign(100, 8)
const p = alloc(layout)
console.log("consumer: " + heap.kind + " on " + ESP32C3.id + ", sum " + sum + ", live " + heap.stats().liveBlocks)
dealloc(p, layout)
v.drop()
console.log("consumer: live after drop " + heap.stats().liveBlocks)
`

interface Out {
    code: number
    out: string
}

async function sh(cmd: string, args: string[], cwd: string): Promise<Out> {
    try {
        const r = await exec(cmd, args, { cwd, encoding: "utf8", timeout: 240_000, maxBuffer: 16 << 20, env: { ...process.env, npm_config_update_notifier: "false" } })
        return { code: 0, out: r.stdout + r.stderr }
    } catch (e) {
        const err = e as { code?: number; stdout?: string; stderr?: string }
        return { code: typeof err.code === "number" ? err.code : 1, out: (err.stdout ?? "") + (err.stderr ?? "") }
    }
}

/** A fresh DeviceScript project that installs the tarball with `npm` (argv prefix), builds and runs in the VM. */
async function consumer(name: string, npm: string[]): Promise<{ install: Out; build: Out; vm: Out; dir: string }> {
    const dir = path.join(work, name)
    mkdirSync(path.join(dir, "src"), { recursive: true })
    const devs = pkg.devDependencies["@devicescript/cli"]
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer-" + name, version: "1.0.0", private: true, devDependencies: { "@devicescript/cli": devs } }, null, 2))
    writeFileSync(path.join(dir, "devsconfig.json"), "{}\n")
    writeFileSync(path.join(dir, "src", "main.ts"), MAIN)
    const t0 = Date.now()
    const install = await sh(npm[0], [...npm.slice(1), "install", "--prefer-offline", "--no-audit", "--no-fund", tarball], dir)
    const t1 = Date.now()
    const build = await sh("npx", ["--no-install", "devs", "build", "src/main.ts"], dir)
    const t2 = Date.now()
    const vm = await sh("npx", ["--no-install", "bareheap", "vm", "src/main.ts"], dir)
    const t3 = Date.now()
    timings.push(`${name}: install ${t1 - t0} ms, devs build ${t2 - t1} ms, bareheap vm ${t3 - t2} ms`)
    return { install, build, vm, dir }
}

beforeAll(async () => {
    const t0 = Date.now()
    // --ignore-scripts: `npm pack` would run prepare (a devs build) for nothing.
    const r = await sh("npm", ["pack", "--ignore-scripts", "--pack-destination", work], repo)
    expect(r.code, r.out).toBe(0)
    tarball = path.join(work, `bareheap-${pkg.version}.tgz`)
    expect(existsSync(tarball)).toBe(true)
    timings.push(`npm pack ${Date.now() - t0} ms`)
})

afterAll(() => {
    console.log(`consumer timings: ${timings.join("; ")}`)
    rmSync(work, { recursive: true, force: true })
})

describe("a DeviceScript project that depends on bareheap's tarball", () => {
    test("the package holds the library, the command and no tests; it has no install-time script", async () => {
        const r = await sh("tar", ["tzf", tarball], work)
        const files = r.out.split("\n")
        expect(files).toContain("package/src/index.ts")
        expect(files).toContain("package/bin/bareheap.mjs")
        expect(files).toContain("package/sim/vm_loader.ts")
        expect(files.some(f => f.startsWith("package/tests/"))).toBe(false)
        // None of the scripts npm runs for a dependency (arborist: these four; a git
        // dependency's clone is also `npm install`ed when it has prepare or prepack).
        for (const s of ["preinstall", "install", "postinstall", "prepare", "prepack"]) expect(pkg.scripts[s], s).toBeUndefined()
        expect(pkg.scripts.postprepare).toBe("devs build src/main.ts") // this repository's own npm install / npm ci
        expect(pkg.peerDependencies["@devicescript/cli"]).toBe(pkg.devDependencies["@devicescript/cli"])
    })

    test("npm 10 and npm 11 install it, devs builds the project, bareheap vm runs it", async () => {
        const [npm10, npm11] = await Promise.all([consumer("npm10", ["npx", "-y", "npm@10.9.9"]), consumer("npm11", ["npm"])])
        for (const [name, r] of [["npm 10", npm10], ["npm 11", npm11]] as const) {
            expect(r.install.code, `${name} install:\n${r.install.out}`).toBe(0)
            // npm 11 lists dependencies' install scripts (esbuild's, serialport's); none may be bareheap's.
            expect(r.install.out, name).not.toMatch(/devs: not found|bareheap@[\d.]+ \(|ERESOLVE/)
            // No script of bareheap's ran: nothing was built inside node_modules.
            expect(existsSync(path.join(r.dir, "node_modules", "bareheap", ".devicescript")), name).toBe(false)
            expect(existsSync(path.join(r.dir, "node_modules", "bareheap", "tests")), name).toBe(false)
            expect(r.build.code, `${name} devs build:\n${r.build.out}`).toBe(0)
            expect(r.vm.code, `${name} bareheap vm:\n${r.vm.out}`).toBe(0)
            expect(r.vm.out, name).toContain("consumer: tlsf on esp32c3, sum 14850, live 2")
            expect(r.vm.out, name).toContain("consumer: live after drop 0")
            expect(r.vm.out, name).toMatch(/vm: ended after [\d.]+ s, 2 console lines/)
        }
        const v10 = (await sh("npx", ["-y", "npm@10.9.9", "--version"], work)).out.trim()
        expect(v10).toBe("10.9.9")
        expect((await sh("npm", ["--version"], work)).out.trim()).toMatch(/^11\./)
    })
})
