// A warm docxtemplater process for benchmarks/render.py: reads one JSON request a line on
// stdin, answers one JSON line on stdout. Benchmark-only (make bench installs it), never a
// runtime dependency of docgen.
//   {"template": PATH, "data": {...}}            load a template and its data
//   {"render": N, "out": PATH|null}              render N documents in a row; report the
//                                                seconds (process.hrtime) and write the last
//                                                document to PATH
"use strict";
const fs = require("fs");
const readline = require("readline");
const PizZip = require("pizzip");
const Docxtemplater = require("docxtemplater");

let content = null;
let data = null;

function renderOnce() {
  // as docxtemplater is used: a zip of the template, a document, render, a DOCX out
  const zip = new PizZip(content);
  const doc = new Docxtemplater(zip, { paragraphLoop: true, linebreaks: true });
  doc.render(data);
  return doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" });
}

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const req = JSON.parse(line);
  let reply;
  try {
    if (req.template) {
      content = fs.readFileSync(req.template, "binary");
      data = req.data;
      reply = { ok: true };
    } else if (req.render) {
      let out = null;
      const start = process.hrtime.bigint();
      for (let i = 0; i < req.render; i++) out = renderOnce();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (req.out) fs.writeFileSync(req.out, out);
      reply = { ok: true, seconds };
    } else if (req.versions) {
      reply = { ok: true, node: process.version,
                docxtemplater: require("docxtemplater/package.json").version,
                pizzip: require("pizzip/package.json").version };
    }
  } catch (e) {
    reply = { ok: false, error: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
