/* Search worker for the hosted site: Material's search UI, our sharded index.
 *
 * Speaks Material's worker protocol (SETUP 0 -> READY 1, QUERY 2 -> RESULT 3 with
 * {items: [[doc]]}) and answers from the files generator/search_shards.py writes under
 * search/shards/: a query is cut into Han bigrams / Latin words like the index, only
 * the shards of those tokens are fetched, postings are intersected (AND), ranked
 * (title hits first, then newer), and the doc metadata of the best results fetched.
 * Results come in two waves: meta.first at once, then up to meta.max.
 * Plain JS, no build step. Keep queryTokens/bucketOf in step with the Python side.
 */
"use strict"

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
const TITLE_CHAR = "^"
const HAN = "\u3400-\u4dbf\u4e00-\u9fff"
const RUN = new RegExp(`[${HAN}]+|[0-9a-z]+`, "g")
const BASE = new URL("../../search/shards/", self.location.href)

let meta = null                  // Promise of meta.json
const shards = new Map()         // bucket -> Promise<Map token -> [ids, titleIds]>
const chunks = new Map()         // chunk number -> Promise<rows>
let latest = 0                   // sequence number of the newest query

/* ---- tokens (mirror generator/search_shards.py) ---- */

const normalize = text => text.normalize("NFKC").toLowerCase()
const runs = text => normalize(text).match(RUN) || []
const isHan = run => run.charCodeAt(0) >= 0x3400

function bigrams(run) {
  const out = []
  for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2))
  return out
}

function queryTokens(query) {
  const parts = runs(query)
  const long = []
  for (const r of parts) {
    if (!isHan(r)) long.push(r)
    else if (r.length > 1) long.push(...bigrams(r))
  }
  if (long.length) return [...new Set(long)]
  return [...new Set(parts.filter(isHan).map(r => TITLE_CHAR + r))]
}

/* FNV-1a 32 over the token's code points */
function bucketOf(token, buckets) {
  let h = 0x811c9dc5
  for (const ch of token) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0
  return h & (buckets - 1)
}

/* ---- files ---- */

async function fetchOk(url, kind) {
  const res = await fetch(url, kind === "meta" ? { cache: "no-cache" } : {})
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`)
  return kind === "bin" ? res.arrayBuffer() : res.json()
}

function loadMeta() {
  if (!meta) meta = fetchOk(new URL("meta.json", BASE), "meta").catch(err => { meta = null; throw err })
  return meta
}

function decodeShard(buffer) {
  const bytes = new Uint8Array(buffer)
  const decoder = new TextDecoder()
  let pos = 0
  const varint = () => {
    let n = 0, shift = 0, byte
    do { byte = bytes[pos++]; n += (byte & 0x7f) * 2 ** shift; shift += 7 } while (byte >= 0x80)
    return n
  }
  const ids = () => {
    const count = varint(), out = new Int32Array(count)
    let prev = -1
    for (let i = 0; i < count; i++) out[i] = prev += varint() + 1
    return out
  }
  const table = new Map()
  for (let count = varint(); count > 0; count--) {
    const length = varint()
    const token = decoder.decode(bytes.subarray(pos, pos + length))
    pos += length
    const every = ids()
    table.set(token, [every, ids()])
  }
  return table
}

async function postings(token) {
  const m = await loadMeta()
  const bucket = bucketOf(token, m.buckets)
  if (!shards.has(bucket)) {
    const name = bucket.toString(16).padStart(m.width, "0")
    const p = fetchOk(new URL(`b/${name}.bin?v=${m.version}`, BASE), "bin").then(decodeShard)
    p.catch(() => shards.delete(bucket))
    shards.set(bucket, p)
  }
  const empty = new Int32Array(0)
  const [every, titled] = (await shards.get(bucket)).get(token) || [empty, empty]
  return { every, titled: token.startsWith(TITLE_CHAR) ? every : titled }
}

async function docRow(id) {
  const m = await loadMeta()
  const n = Math.floor(id / m.chunk)
  if (!chunks.has(n)) {
    const p = fetchOk(new URL(`d/${n}.json?v=${m.version}`, BASE), "json")
    p.catch(() => chunks.delete(n))
    chunks.set(n, p)
  }
  return (await chunks.get(n))[id % m.chunk]
}

/* ---- matching and ranking ---- */

function intersect(a, b) {
  const out = []
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) { out.push(a[i]); i++; j++ }
    else if (a[i] < b[j]) i++
    else j++
  }
  return out
}

/* Doc ids holding every token, best first: more tokens in the title, then lower id (= newer). */
function rank(lists) {
  lists.sort((x, y) => x.every.length - y.every.length)
  let ids = Array.from(lists[0].every)
  for (const list of lists.slice(1)) ids = intersect(ids, list.every)
  const hits = new Map(ids.map(id => [id, 0]))
  for (const list of lists)
    for (const id of list.titled) if (hits.has(id)) hits.set(id, hits.get(id) + 1)
  return ids.sort((a, b) => hits.get(b) - hits.get(a) || a - b)
}

/* ---- results in Material's shape ---- */

const escapeHTML = text => text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
const escapeRegExp = text => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

function highlighter(parts) {
  if (!parts.length) return escapeHTML
  const re = new RegExp(parts.sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "gi")
  return text => {
    let out = "", last = 0
    for (const m of text.matchAll(re)) {
      out += escapeHTML(text.slice(last, m.index)) + `<mark>${escapeHTML(m[0])}</mark>`
      last = m.index + m[0].length
    }
    return out + escapeHTML(text.slice(last))
  }
}

async function items(ids, parts) {
  const mark = highlighter([...parts])
  const terms = Object.fromEntries(parts.map(p => [p, true]))
  const rows = await Promise.all(ids.map(docRow))
  return rows.map(([location, title, date, section, lead], i) => [{
    location,
    title: mark(title),
    text: `<p>${escapeHTML([date, section].filter(Boolean).join(" · "))}　${mark(lead)}</p>`,
    score: ids.length - i,
    terms
  }])
}

async function search(query, seq) {
  const tokens = queryTokens(query)
  if (!tokens.length) return postMessage({ type: RESULT, data: { items: [] } })
  const lists = await Promise.all(tokens.map(postings))
  const ids = rank(lists)
  if (seq !== latest) return
  const m = await loadMeta()
  const parts = [...new Set(runs(query))]
  const first = await items(ids.slice(0, m.first), parts)
  if (seq !== latest) return
  postMessage({ type: RESULT, data: { items: first } })
  if (ids.length > m.first) {
    const more = await items(ids.slice(0, m.max), parts)
    if (seq === latest) postMessage({ type: RESULT, data: { items: more } })
  }
}

addEventListener("message", async ev => {
  const message = ev.data
  if (message.type === SETUP) {
    loadMeta().catch(err => console.warn("search index:", err))
    postMessage({ type: READY })
  } else if (message.type === QUERY) {
    const seq = ++latest
    try {
      await search(message.data, seq)
    } catch (err) {
      console.warn("search failed:", err)
      if (seq === latest) postMessage({ type: RESULT, data: { items: [] } })
    }
  }
})
