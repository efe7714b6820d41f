/**
 * One browser for every static export of a reproduction: `npm run reproduce` starts this
 * server on 127.0.0.1 (random port) around a single headless Chromium, and the notebook
 * kernels it runs render their PNG/SVG through it (NPPO_EXPORT_URL, see static-image.ts)
 * instead of each starting a browser (~10 s apiece). Renders are serialised on one page.
 */
import { createServer, Server } from "node:http";
import type { Figure } from "../lib/report/figures";
import { closeStaticExporter, staticExporter, staticExportUnavailableReason } from "../lib/report/static-image";

export const EXPORT_ENV = "NPPO_EXPORT_URL";

interface RenderRequest {
  figure: Figure;
  width: number;
  height: number;
  format: "png" | "svg";
  scale?: number;
}

/** Start the server; null (with the reason) where no Chromium is available. */
export async function startExportServer(): Promise<{ url: string; close(): Promise<void> } | { url: null; reason: string }> {
  const exporter = await staticExporter();
  if (!exporter) return { url: null, reason: staticExportUnavailableReason() };
  let chain: Promise<unknown> = Promise.resolve();
  const server: Server = createServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/render") {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const job = chain.then(async () => {
        try {
          const r = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RenderRequest;
          if (r.format === "png") res.writeHead(200, { "content-type": "image/png" }).end(await exporter.png(r.figure, r.width, r.height, r.scale));
          else res.writeHead(200, { "content-type": "image/svg+xml" }).end(await exporter.svg(r.figure, r.width, r.height));
        } catch (e) {
          res.writeHead(500).end(String(e instanceof Error ? e.message : e));
        }
      });
      chain = job.catch(() => undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/render`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeStaticExporter();
    },
  };
}
