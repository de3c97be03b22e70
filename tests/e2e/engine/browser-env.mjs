// Loads ODK Web Forms' engine in Node.
//
// The published build of @getodk/xforms-engine targets browsers: it expects a
// DOM (DOMParser, XMLSerializer, Node, ...) on the global object and touches
// CommonJS-style `__dirname`/`module` once while it is imported. jsdom supplies
// the DOM; Node 20 already has File, FormData, Blob and Response.

import { JSDOM } from 'jsdom';

const DOM_GLOBALS = ['DOMParser', 'XMLSerializer', 'Node', 'Document', 'Element', 'document'];

function installBrowserGlobals() {
  const { window } = new JSDOM('');
  globalThis.__dirname ??= '/';
  globalThis.module ??= { exports: {} };
  for (const name of DOM_GLOBALS) {
    globalThis[name] = window[name];
  }
}

export async function importEngine() {
  installBrowserGlobals();
  return import('@getodk/xforms-engine');
}
