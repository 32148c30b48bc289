// Attachments: POST /api/media, PUT the file to the presigned URL, then send the message with the media id; shown
// to others as an image preview or a file link, fetched with the bearer token (an <img> cannot send it).
import { ApiError } from "./api.js";
import { h } from "./dom.js";
/** Returns a line for the composer's status (also read out by screen readers). */
export async function uploadAndSend(app, conversationId, file, caption) {
    try {
        const media = await app.api.createMedia(file, conversationId);
        await app.api.upload(media, file);
        app.send(conversationId, caption, [media.mediaId], [{ mediaId: media.mediaId, fileName: file.name, contentType: file.type, size: file.size }]);
        return `Sent ${file.name}.`;
    }
    catch (error) {
        if (error instanceof ApiError && error.status === 501)
            return "Attachments are not available on this server yet (media upload is not enabled).";
        if (error instanceof ApiError && error.status === 413)
            return `${file.name} is too large to send.`;
        if (error instanceof ApiError && error.status === 400)
            return `${file.name} cannot be sent: ${error.message}`;
        return `Could not send ${file.name}: ${error instanceof Error ? error.message : "upload failed"}.`;
    }
}
const objectUrls = new Map();
function fetchOnce(api, mediaId) {
    let entry = objectUrls.get(mediaId);
    if (!entry) {
        entry = api.mediaBlob(mediaId).then(blob => ({ url: URL.createObjectURL(blob), type: blob.type }));
        entry.catch(() => objectUrls.delete(mediaId));
        objectUrls.set(mediaId, entry);
    }
    return entry;
}
export function renderAttachments(api, attachments) {
    if (attachments.length === 0)
        return "";
    return h("ul", { class: "attachments", "aria-label": "Attachments" }, ...attachments.map(a => {
        const name = a.fileName ?? "attachment";
        const item = h("li", { class: "attachment", "data-media-id": a.mediaId }, h("span", { class: "loading" }, `📎 ${name}…`));
        fetchOnce(api, a.mediaId).then(({ url, type }) => {
            const contentType = a.contentType || type;
            item.replaceChildren(contentType.startsWith("image/")
                ? h("a", { href: url, target: "_blank", rel: "noopener" }, h("img", { src: url, alt: a.fileName ? `Image: ${a.fileName}` : "Attached image", class: "preview", loading: "lazy" }))
                : h("a", { href: url, download: name, class: "file" }, `📎 ${name}${a.size ? ` (${Math.ceil(a.size / 1024)} KB)` : ""}`));
        }, () => item.replaceChildren(h("span", { class: "error" }, `📎 ${name} (not available)`)));
        return item;
    }));
}
