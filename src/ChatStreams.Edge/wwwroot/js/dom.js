// A tiny element builder: the client has no framework, and text always goes in as text nodes (never as HTML),
// so nothing a user typed can become markup. The one exception, search highlights, is set explicitly.
export function h(tag, attrs = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
        if (value === undefined || value === null || value === false)
            continue;
        if (name.startsWith("on") && typeof value === "function")
            element.addEventListener(name.slice(2), value);
        else if (name === "class")
            element.className = String(value);
        else if (value === true)
            element.setAttribute(name, "");
        else
            element.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
        if (child === null || child === undefined || child === false)
            continue;
        element.append(child);
    }
    return element;
}
export function clear(element, ...children) {
    element.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}
export function time(iso) {
    if (!iso)
        return "";
    const date = new Date(iso);
    const sameDay = date.toDateString() === new Date().toDateString();
    return sameDay
        ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
        : date.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
export function uuid() {
    return crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`;
}
