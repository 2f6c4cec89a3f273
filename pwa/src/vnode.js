// A tiny view layer: views return plain trees; the browser turns them into DOM nodes,
// the build turns the home page into HTML (so the catalog shows before any script runs).

/** h('a', {href: '/'}, 'text', child, [more]) -> a node description. */
export function h(tag, attrs, ...children) {
  return { tag, attrs: attrs || {}, children: flat(children) };
}

function flat(list) {
  const out = [];
  for (const item of list) {
    if (item == null || item === false || item === true) continue;
    if (Array.isArray(item)) out.push(...flat(item));
    else out.push(item);
  }
  return out;
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
const VOID = new Set(["input", "br", "img", "meta", "link", "hr"]);

/** The node as HTML (event handlers and refs are left out). */
export function toHTML(node) {
  if (typeof node !== "object") return escape(node);
  let attrs = "";
  for (const [name, value] of Object.entries(node.attrs)) {
    if (value == null || value === false || name === "ref" || name.startsWith("on")) continue;
    attrs += value === true ? ` ${name}` : ` ${name}="${escape(value)}"`;
  }
  if (VOID.has(node.tag)) return `<${node.tag}${attrs}>`;
  return `<${node.tag}${attrs}>${node.children.map(toHTML).join("")}</${node.tag}>`;
}

const PROPERTIES = new Set(["value", "checked", "selected", "disabled", "hidden"]);

/** The node as a DOM element; `on<event>` attributes become listeners, `ref` gets the element. */
export function toDOM(node) {
  if (typeof node !== "object") return document.createTextNode(String(node));
  const element = document.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs)) {
    if (value == null || value === false || name === "ref") continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (PROPERTIES.has(name)) element[name] = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of node.children) element.append(toDOM(child));
  node.attrs.ref?.(element); // after the children, so a ref can find them
  return element;
}

/** Replace the contents of `parent` with the given nodes. */
export function mount(parent, ...nodes) {
  parent.replaceChildren(...flat(nodes).map(toDOM));
}
