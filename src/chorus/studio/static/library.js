// The key's songs, newest first, searchable by title or tag, a page at a time.

import * as api from "./api.js";

export const PAGE_SIZE = 10;

const STATUS_WORDS = {
  SUCCESS: "ready",
  FAILURE: "failed",
  IN_PROGRESS: "in progress",
  QUEUED: "queued",
  SUBMITTED: "submitted",
  NOT_START: "waiting",
};

function when(unixSeconds) {
  if (!unixSeconds) return "";
  return new Date(unixSeconds * 1000).toLocaleString(undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });
}

export class Library {
  constructor(root, { onError }) {
    this.onError = onError;
    this.list = root.querySelector("#library-list");
    this.state = root.querySelector("#library-state");
    this.info = root.querySelector("#page-info");
    this.prev = root.querySelector("#prev-page");
    this.next = root.querySelector("#next-page");
    this.search = root.querySelector("#search");
    this.query = "";
    this.page = 1;
    root.querySelector("#search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.go(this.search.value.trim(), 1);
    });
    this.prev.addEventListener("click", () => this.go(this.query, this.page - 1));
    this.next.addEventListener("click", () => this.go(this.query, this.page + 1));
  }

  // Query and page live in the address (#library?q=...&page=...), so a reload keeps them.
  go(query, page) {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    if (page > 1) params.set("page", String(page));
    const suffix = params.toString();
    const hash = suffix ? `#library?${suffix}` : "#library";
    if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = hash;
  }

  async load(params) {
    this.query = params.get("q") || "";
    this.page = Math.max(1, Number.parseInt(params.get("page") || "1", 10) || 1);
    this.search.value = this.query;
    this.state.textContent = "Loading…";
    let answer;
    try {
      answer = await api.library(this.query, this.page, PAGE_SIZE);
    } catch (error) {
      this.state.textContent = "";
      this.list.replaceChildren();
      this.onError(error);
      return;
    }
    const items = answer.items || [];
    const total = answer.total || 0;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    this.state.textContent = total
      ? `${total} song${total === 1 ? "" : "s"}${this.query ? ` matching “${this.query}”` : ""}`
      : this.query
        ? `No songs match “${this.query}”.`
        : "No songs yet: create one.";
    this.info.textContent = `Page ${this.page} of ${pages}`;
    this.prev.disabled = this.page <= 1;
    this.next.disabled = this.page >= pages;
    this.list.replaceChildren(...items.map((task) => this.item(task)));
  }

  item(task) {
    const clips = Array.isArray(task.data) ? task.data : [];
    const first = clips[0] || {};
    const lyrics = task.action === "LYRICS" && task.data && !Array.isArray(task.data);
    const title = first.title || (lyrics ? task.data.title : "") || "Untitled";
    const tags = (first.metadata && first.metadata.tags) || (lyrics ? task.data.tags : "") || "";
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#task=${encodeURIComponent(task.task_id)}`;
    let thumb;
    if (first.image_url) {
      thumb = document.createElement("img");
      thumb.src = first.image_url;
      thumb.alt = "";
      thumb.loading = "lazy";
    } else {
      thumb = document.createElement("span");
      thumb.className = "thumb";
    }
    const meta = document.createElement("span");
    meta.className = "meta";
    const name = document.createElement("strong");
    name.textContent = lyrics ? `${title} (lyrics)` : title;
    const detail = document.createElement("span");
    const status = STATUS_WORDS[task.status] || task.status;
    detail.textContent = [tags, status].filter(Boolean).join(" · ");
    meta.append(name, detail);
    const date = document.createElement("span");
    date.className = "when";
    date.textContent = when(task.submit_time);
    link.append(thumb, meta, date);
    li.append(link);
    return li;
  }
}
