/* Sunlit's offline verifier (公开记录离线核验): checks, in the browser and with no network, that an entry is
 * included in the transparency log whose key is pinned in the page (<form id="verifier" data-key="…">).
 *
 * The same rules as sunlit.core.tlog.verify and `sunlit verify` (docs/tlog.md): a c2sp.org/tlog-proof with its
 * entry file, or a JSON inclusion bundle (entry inside, or given beside it); RFC 6962 hashing with SHA-256;
 * the checkpoint a signed note that the pinned key must have signed (Ed25519, c2sp.org/signed-note).
 * SHA-256 comes from WebCrypto; Ed25519 from WebCrypto where the browser has it, else from the audited
 * noble-ed25519 1.6.0 inlined beside this script (window.nobleEd25519). Nothing is fetched or uploaded.
 */
(function () {
  "use strict";

  var TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1";
  var MAX_FILE = 1 << 20;
  var MAX_PROOF_HASHES = 64;
  var MAX_SIZE = (1n << 64n) - 1n;
  var EM_DASH = "\u2014";

  /** A check that failed, with the reason told to the resident. */
  function Invalid(message) { this.message = message; }
  /** The browser cannot check at all (no WebCrypto): neither valid nor invalid. */
  function Unable(message) { this.message = message; }

  // --- bytes ----------------------------------------------------------------------------------------------

  function utf8(text) { return new TextEncoder().encode(text); }

  function decodeUtf8(bytes, what) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (e) {
      throw new Invalid(what + "不是 UTF-8 文本。");
    }
  }

  function concat() {
    var total = 0, i, out, at = 0;
    for (i = 0; i < arguments.length; i++) total += arguments[i].length;
    out = new Uint8Array(total);
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], at); at += arguments[i].length; }
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function fromHex(text, what) {
    if (typeof text !== "string" || !/^[0-9a-fA-F]{64}$/.test(text)) throw new Invalid(what + " 应为 64 位十六进制数。");
    var out = new Uint8Array(32);
    for (var i = 0; i < 32; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
    return out;
  }

  /** Standard padded base64, canonical only (as note.b64decode_strict). */
  function fromBase64(text, what) {
    var binary, out, i;
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
      throw new Invalid(what + "不是标准 base64 编码。");
    }
    binary = atob(text);
    if (btoa(binary) !== text) throw new Invalid(what + "不是规范的 base64 编码。");
    out = new Uint8Array(binary.length);
    for (i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }

  function decimal(text, what) {
    if (!/^(0|[1-9][0-9]{0,19})$/.test(text) || BigInt(text) > MAX_SIZE) {
      throw new Invalid(what + "应为不带前导零的十进制数。");
    }
    return BigInt(text);
  }

  // --- hashing (RFC 6962) ---------------------------------------------------------------------------------

  function subtle() {
    var c = window.crypto;
    if (!c || !c.subtle) {
      throw new Unable("这个浏览器不提供 WebCrypto（crypto.subtle），无法计算 SHA-256。" +
        "请用较新版本的 Chrome、Edge、Firefox 或 Safari 直接打开本文件。");
    }
    return c.subtle;
  }

  async function sha256(bytes) { return new Uint8Array(await subtle().digest("SHA-256", bytes)); }
  function leafHash(entry) { return sha256(concat(new Uint8Array([0]), entry)); }
  function nodeHash(left, right) { return sha256(concat(new Uint8Array([1]), left, right)); }

  /** RFC 9162 §2.1.3.2: the root that the leaf hash and its inclusion proof lead to, or null. */
  async function rootFromInclusion(index, size, hash, proof) {
    var fn = index, sn = size - 1n, r = hash, i;
    if (index >= size) return null;
    for (i = 0; i < proof.length; i++) {
      if (sn === 0n) return null;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(proof[i], r);
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        r = await nodeHash(r, proof[i]);
      }
      fn >>= 1n; sn >>= 1n;
    }
    return sn === 0n ? r : null;
  }

  // --- keys, signed notes, checkpoints ----------------------------------------------------------------

  async function keyId(name, type, publicKey) {
    return (await sha256(concat(utf8(name + "\n"), new Uint8Array([type]), publicKey))).slice(0, 4);
  }

  /** The pinned verifier key: name+<8 hex key ID>+base64(0x01 || Ed25519 public key). */
  async function parseVerifierKey(vkey) {
    var first = vkey.indexOf("+"), second = vkey.indexOf("+", first + 1), raw, id;
    var parts = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];  // base64 may hold "+"
    if (first <= 0 || second < 0 || !/^[0-9a-f]{8}$/.test(parts[1])) throw new Invalid("本文件中的日志公钥格式不对。");
    raw = fromBase64(parts[2], "日志公钥");
    if (raw.length !== 33 || raw[0] !== 1) throw new Invalid("本文件中的日志公钥不是 Ed25519 公钥。");
    id = await keyId(parts[0], 1, raw.slice(1));
    if (hex(id) !== parts[1]) throw new Invalid("本文件中的日志公钥与它的密钥编号不符，文件可能被改动过。");
    return { name: parts[0], id: id, publicKey: raw.slice(1), text: vkey };
  }

  /** A signed note: its text (through the last newline before the blank line) and its signature lines. */
  function parseNote(message) {
    var split, text, lines, signatures = [];
    if (/[\u0000-\u0009\u000b-\u001f]/.test(message)) throw new Invalid("检查点中有控制字符。");
    split = message.lastIndexOf("\n\n");
    if (split < 0) throw new Invalid("检查点没有签名（签名前应有一个空行）。");
    text = message.slice(0, split + 1);
    lines = message.slice(split + 2);
    if (!lines || lines.charAt(lines.length - 1) !== "\n") throw new Invalid("检查点应以签名行结尾，每行以换行结束。");
    lines.slice(0, -1).split("\n").forEach(function (line) {
      var rest, space, raw;
      if (line.indexOf(EM_DASH + " ") !== 0) throw new Invalid("检查点的签名行应以“— ”开头。");
      rest = line.slice(2);
      space = rest.indexOf(" ");
      if (space <= 0) throw new Invalid("检查点的签名行格式不对。");
      raw = fromBase64(rest.slice(space + 1), "签名");
      if (raw.length < 5) throw new Invalid("签名太短。");
      signatures.push({ name: rest.slice(0, space), id: raw.slice(0, 4), signature: raw.slice(4) });
    });
    if (signatures.length > 100) throw new Invalid("检查点的签名超过 100 个。");
    return { text: text, signatures: signatures };
  }

  function parseCheckpoint(text) {
    var lines = text.slice(0, -1).split("\n"), root;
    if (lines.length < 3 || !lines[0]) throw new Invalid("检查点应至少有三行：日志名称、树大小和根哈希。");
    root = fromBase64(lines[2], "检查点的根哈希");
    if (root.length !== 32) throw new Invalid("检查点的根哈希应为 32 字节。");
    if (lines.slice(3).some(function (l) { return !l; })) throw new Invalid("检查点的扩展行不能为空。");
    return { origin: lines[0], size: decimal(lines[1], "检查点的树大小"), root: root };
  }

  /** Ed25519 with the browser's WebCrypto, or the inlined noble-ed25519 when the browser has none. */
  async function ed25519Verify(publicKey, signature, message) {
    var key;
    if (signature.length !== 64) return { ok: false, by: "" };
    try {
      key = await subtle().importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      if (e instanceof Unable) throw e;
      key = null;  // no Ed25519 in this browser's WebCrypto
    }
    if (key) {
      return { ok: await subtle().verify({ name: "Ed25519" }, key, signature, message), by: "浏览器内置的 WebCrypto Ed25519" };
    }
    if (!window.nobleEd25519) throw new Unable("这个浏览器不支持 Ed25519 签名核验，本文件内置的备用实现也无法加载。");
    try {
      return { ok: await window.nobleEd25519.verify(signature, message, publicKey), by: "本文件内置的 noble-ed25519 1.6.0" };
    } catch (e) {
      return { ok: false, by: "本文件内置的 noble-ed25519 1.6.0" };
    }
  }

  /** The checkpoint, once the pinned key's signature on it verifies. */
  async function openCheckpoint(signed, key) {
    var note = parseNote(signed), checkpoint = parseCheckpoint(note.text), mine, i, result;
    mine = note.signatures.filter(function (s) { return s.name === key.name && equal(s.id, key.id); });
    if (!mine.length) {
      throw new Invalid("检查点不是本日志签发的：上面没有本日志公钥（" + key.name + "）的签名。" +
        "这份证明可能来自另一个日志，或者检查点被替换过。");
    }
    for (i = 0; i < mine.length; i++) {
      result = await ed25519Verify(key.publicKey, mine[i].signature, utf8(note.text));
      if (!result.ok) throw new Invalid("检查点的签名核验不通过：检查点被改动过，或签名是伪造的。");
    }
    checkpoint.signedBy = result.by;
    return checkpoint;
  }

  // --- proof files -------------------------------------------------------------------------------------

  function parseTlogProof(text) {
    var lines = text.split("\n"), at = 1, index, hashes = [], extra = false, line, h;
    function next(what) {  // a line counts only when a newline ends it, as in proof.parse_tlog_proof
      if (at >= lines.length - 1) throw new Invalid("证明文件在" + what + "之前就结束了。");
      return lines[at++];
    }
    line = next("index 行");
    if (line.indexOf("extra ") === 0) { fromBase64(line.slice(6), "extra 数据"); extra = true; line = next("index 行"); }
    if (line.indexOf("index ") !== 0) throw new Invalid("证明文件缺少“index <n>”行。");
    index = decimal(line.slice(6), "index ");
    for (;;) {
      line = next("检查点前的空行");
      if (line === "") break;
      if (hashes.length === MAX_PROOF_HASHES) throw new Invalid("证明中的哈希超过 64 个。");
      h = fromBase64(line, "证明中的第 " + (hashes.length + 1) + " 个哈希");
      if (h.length !== 32) throw new Invalid("证明中的第 " + (hashes.length + 1) + " 个哈希不是 32 字节。");
      hashes.push(h);
    }
    var checkpoint = lines.slice(at).join("\n");
    if (!checkpoint) throw new Invalid("证明文件缺少检查点。");
    return { index: index, proof: hashes, checkpoint: checkpoint, extra: extra };
  }

  var BUNDLE_KEYS = ["type", "leaf_index", "tree_size", "leaf_hash", "leaf_data", "proof", "root", "checkpoint"];

  function count(value, what) {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) throw new Invalid(what + " 应为非负整数。");
    return BigInt(value);
  }

  async function parseBundle(text) {
    var obj, unknown, leafData = null, given = null, lh;
    try { obj = JSON.parse(text); } catch (e) { throw new Invalid("证明文件不是有效的 JSON。"); }
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new Invalid("JSON 证明应为一个对象。");
    if (obj.type === "consistency") {
      throw new Invalid("这是一份一致性证明（说明日志只增不改），不是单条记录的收录证明。" +
        "本工具核验收录证明；一致性证明请用 sunlit verify 核验。");
    }
    if (obj.type !== "inclusion") throw new Invalid("JSON 证明的 type 应为 \"inclusion\"。");
    unknown = Object.keys(obj).filter(function (k) { return BUNDLE_KEYS.indexOf(k) < 0; });
    if (unknown.length) throw new Invalid("JSON 证明中有不认识的字段：" + unknown.join("、") + "。");
    ["leaf_index", "tree_size", "proof", "root"].forEach(function (k) {
      if (!(k in obj)) throw new Invalid("JSON 证明缺少字段 " + k + "。");
    });
    if (obj.leaf_data !== undefined && obj.leaf_data !== null) {
      if (typeof obj.leaf_data !== "string") throw new Invalid("leaf_data 应为字符串。");
      leafData = utf8(obj.leaf_data);
    }
    if (obj.leaf_hash !== undefined && obj.leaf_hash !== null) given = fromHex(obj.leaf_hash, "leaf_hash");
    if (leafData) {
      lh = await leafHash(leafData);
      if (given && !equal(given, lh)) throw new Invalid("JSON 证明中的 leaf_hash 不是 leaf_data 的叶哈希。");
    } else if (given) {
      lh = given;
    } else {
      throw new Invalid("JSON 证明中既没有 leaf_hash 也没有 leaf_data。");
    }
    if (!Array.isArray(obj.proof) || obj.proof.length > MAX_PROOF_HASHES) throw new Invalid("proof 应为最多 64 个哈希的列表。");
    if (typeof obj.checkpoint !== "string" || !obj.checkpoint) {
      throw new Invalid("这份 JSON 证明没有签名的检查点（checkpoint），无法确认它出自本日志。");
    }
    return {
      index: count(obj.leaf_index, "leaf_index"),
      size: count(obj.tree_size, "tree_size"),
      leafHash: lh,
      entry: leafData,
      proof: obj.proof.map(function (h, i) { return fromHex(h, "proof[" + i + "]"); }),
      root: fromHex(obj.root, "root"),
      checkpoint: obj.checkpoint
    };
  }

  // --- the check ---------------------------------------------------------------------------------------

  /** Check a proof file's bytes (and the entry file's, or null) against the pinned key. */
  async function check(vkey, proofBytes, entryBytes) {
    var key = await parseVerifierKey(vkey), text = decodeUtf8(proofBytes, "证明文件"), p, lh, entry = entryBytes,
      checkpoint, root, notes = [];
    if (text.indexOf(TLOG_PROOF_HEADER + "\n") === 0) {
      p = parseTlogProof(text);
      if (!entry) {
        throw new Invalid("这份证明（.tlog-proof）不含记录条目本身：请在第 2 步选择对应的“记录条目”文件" +
          "（sunlit-leaf-" + p.index + ".json），或改用 JSON 格式的证明。");
      }
      lh = await leafHash(entry);
      if (p.extra) notes.push("证明附带的 extra 数据未经认证，已忽略。");
    } else if (/^\s*\{/.test(text)) {
      p = await parseBundle(text);
      if (entry) {
        lh = await leafHash(entry);
        if (!equal(lh, p.leafHash)) {
          throw new Invalid("所选的记录条目文件与证明中的条目不同：条目的叶哈希是 " + hex(lh) + "，证明中的是 " +
            hex(p.leafHash) + "。条目被改动过，或两个文件不是同一条记录的。");
        }
      } else {
        entry = p.entry;
        lh = p.leafHash;
      }
    } else {
      throw new Invalid("这不是证明文件：应以 " + TLOG_PROOF_HEADER + " 开头，或是 JSON 证明。");
    }
    checkpoint = await openCheckpoint(p.checkpoint, key);
    if (p.size !== undefined && (p.size !== checkpoint.size || !equal(p.root, checkpoint.root))) {
      throw new Invalid("JSON 证明中的树大小和根哈希与它的检查点不符。");
    }
    if (p.index >= checkpoint.size) {
      throw new Invalid("第 " + p.index + " 条不在检查点大小为 " + checkpoint.size + " 的日志中。");
    }
    root = await rootFromInclusion(p.index, checkpoint.size, lh, p.proof);
    if (!root || !equal(root, checkpoint.root)) {
      throw new Invalid("记录条目与证明对不上：由条目和证明算出的根哈希" + (root ? "是 " + hex(root) + "，" : "算不出来，") +
        "而检查点中的根哈希是 " + hex(checkpoint.root) + "。条目或证明被改动过，或两者不是同一条记录的。");
    }
    return {
      index: p.index, size: checkpoint.size, origin: checkpoint.origin, root: hex(checkpoint.root),
      leafHash: hex(lh), signedBy: checkpoint.signedBy, entry: entry, notes: notes
    };
  }

  /** What the entry says, in a line, for the resident to see what was checked (not part of the check). */
  function describeEntry(entry) {
    var doc;
    if (!entry) return "";
    try { doc = JSON.parse(new TextDecoder("utf-8").decode(entry)); } catch (e) { return ""; }
    if (!doc || typeof doc !== "object") return "";
    if (doc.type === "record") {
      var content = doc.content || {}, item = doc.item || {}, unit = doc.unit || {};
      return "这是一条公开记录：" + [unit.name, item.code, content.name].filter(Boolean).join(" · ") +
        (doc.number ? "，第 " + doc.number + " 版" : "") + (doc.at ? "，公开于 " + String(doc.at).slice(0, 19).replace("T", " ") : "") + "。";
    }
    if (doc.type === "event") {
      return "这是一条操作事件（内容封存，日志只公开它的摘要）" + (doc.at ? "，时间 " + String(doc.at).slice(0, 19).replace("T", " ") : "") + "。";
    }
    return "";
  }

  // --- the page ----------------------------------------------------------------------------------------

  // The check alone, for anyone who wants to call it from the browser's console (and for the tests):
  // check(verifier key, proof bytes, entry bytes or null) → details, or a rejection whose message says why.
  window.sunlitOfflineVerifier = { check: check, Invalid: Invalid };

  var form = document.getElementById("verifier");
  if (!form) return;
  var result = document.getElementById("result");
  var verdict = document.getElementById("verdict");
  var summary = document.getElementById("summary");
  var details = document.getElementById("details");

  function show(state, word, why, lines) {
    result.hidden = false;
    result.className = "card verdict " + state;
    verdict.textContent = word;
    summary.textContent = why;
    details.textContent = "";
    (lines || []).forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      details.appendChild(li);
    });
    result.focus();
  }

  async function read(input, what) {
    var file = input.files && input.files[0];
    if (!file) return null;
    if (file.size > MAX_FILE) throw new Invalid(what + "太大（超过 1 MB），不像是本日志的证明或条目。");
    return new Uint8Array(await file.arrayBuffer());
  }

  form.addEventListener("submit", async function (event) {
    var proof, entry, ok;
    event.preventDefault();
    try {
      proof = await read(document.getElementById("proof-file"), "证明文件");
      entry = await read(document.getElementById("entry-file"), "记录条目文件");
      if (!proof) throw new Invalid("请先在第 1 步选择证明文件。");
      ok = await check(form.dataset.key, proof, entry);
      show("ok", "有效", "这条记录确实收录在本日志中，此后没有被改动或删除。", [
        "记录位置：日志第 " + ok.index + " 条（从 0 起计），所在检查点共 " + ok.size + " 条，日志名称 " + ok.origin + "。",
        "检查点签名：由本文件写入的日志公钥核验通过（用" + ok.signedBy + "）。",
        "根哈希：" + ok.root,
        "条目的叶哈希：" + ok.leafHash
      ].concat(describeEntry(ok.entry) ? [describeEntry(ok.entry)] : [], ok.notes));
    } catch (e) {
      if (e instanceof Invalid) {
        show("bad", "无效", e.message, ["不要相信这份证明所说的内容；可以重新下载证明和记录条目再试。"]);
      } else if (e instanceof Unable) {
        show("unable", "无法核验", e.message);
      } else {
        show("unable", "无法核验", "核验时出错：" + (e && e.message ? e.message : String(e)));
      }
    }
  });
})();
