// The Node.js peer of benchmark 2: the ASK SDK's hello skill behind its Express adapter, in as
// many processes as the Python servers have workers (Node's cluster module shares the port).
// Started by bench/node_peer.py, which installs its npm packages into bench/.node-peer/ and
// points NODE_PATH there. Verification is off, as it is for the Python apps of the same run.
"use strict";

const cluster = require("node:cluster");

const port = Number(process.env.PORT || 8000);
const workers = Number(process.env.WORKERS || 2);
const backlog = Number(process.env.BACKLOG || 2048);

if (cluster.isPrimary) {
  for (let n = 0; n < workers; n += 1) {
    cluster.fork();
  }
  cluster.on("exit", (_worker, code) => {
    if (code !== 0) {
      process.exitCode = code; // a worker that fails makes the bench's health check fail
    }
  });
} else {
  const Alexa = require("ask-sdk-core");
  const express = require("express");
  const { ExpressAdapter } = require("ask-sdk-express-adapter");

  const hello = {
    canHandle: () => true,
    handle: (handlerInput) => handlerInput.responseBuilder.speak("Hello.").getResponse(),
  };
  const skill = Alexa.SkillBuilders.custom().addRequestHandlers(hello).create();
  const adapter = new ExpressAdapter(skill, false, false);
  const app = express();
  app.get("/healthz", (_request, response) => response.json({ status: "ok" }));
  app.post("/alexa", adapter.getRequestHandlers());
  app.listen(port, "127.0.0.1", backlog);
}
