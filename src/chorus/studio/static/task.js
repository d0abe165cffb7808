// Watching one task live: its status and progress, then each clip as a card that plays
// while it streams, with cover, lyrics lit word by word, downloads and "extend".

import * as api from "./api.js";
import { Karaoke } from "./karaoke.js";

const TERMINAL = new Set(["SUCCESS", "FAILURE"]);
const POLL_MS = 1000;
const MAX_BACKOFF_MS = 15000;

const TASK_WORDS = {
  NOT_START: "Waiting to start",
  SUBMITTED: "Submitted",
  QUEUED: "Queued",
  IN_PROGRESS: "Making the songs",
  SUCCESS: "Done",
  FAILURE: "Failed",
};

function percent(value) {
  const number = Number.parseInt(String(value ?? "0"), 10);
  return Number.isFinite(number) ? Math.max(0, Math.min(100, number)) : 0;
}

function seconds(value) {
  return `${Number(value || 0).toFixed(1)} s`;
}

export class TaskWatcher {
  constructor(root, { onError, onExtend }) {
    this.root = root;
    this.onError = onError;
    this.onExtend = onExtend;
    this.status = root.querySelector("#task-status");
    this.progress = root.querySelector("#task-progress");
    this.list = root.querySelector("#clips");
    this.template = document.querySelector("#clip-template");
    this.cards = new Map();
    this.taskId = null;
    this.timer = 0;
    this.failures = 0;
  }

  show(taskId) {
    if (taskId === this.taskId) return;
    this.stop();
    this.taskId = taskId;
    this.cards.clear();
    this.list.replaceChildren();
    this.status.textContent = "Loading…";
    this.progress.value = 0;
    this.root.hidden = false;
    this.poll();
  }

  stop() {
    clearTimeout(this.timer);
    this.taskId = null;
  }

  async poll() {
    const taskId = this.taskId;
    if (!taskId) return;
    let task;
    try {
      task = await api.fetchTask(taskId);
      this.failures = 0;
    } catch (error) {
      if (taskId !== this.taskId) return;
      if (error instanceof api.ApiError && error.status === 404) {
        this.status.textContent = "This song does not exist for this key.";
        this.onError(error, "No such song for this key.");
        return;
      }
      this.onError(error);
      this.failures += 1;
      const wait = Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** this.failures);
      this.timer = setTimeout(() => this.poll(), wait);
      return;
    }
    if (taskId !== this.taskId) return;
    this.render(task);
    if (!TERMINAL.has(task.status)) this.timer = setTimeout(() => this.poll(), POLL_MS);
  }

  render(task) {
    const value = percent(task.progress);
    const words = TASK_WORDS[task.status] || task.status;
    const reason = task.status === "FAILURE" && task.fail_reason ? `: ${task.fail_reason}` : "";
    this.status.textContent = `${words} · ${value}%${reason}`;
    this.progress.value = value;
    this.progress.setAttribute("aria-valuetext", `${value} percent`);
    const clips = Array.isArray(task.data) ? task.data : [];
    clips.forEach((clip, index) => {
      let card = this.cards.get(clip.id);
      if (!card) {
        card = new ClipCard(this.template, index + 1, this.onError, (at) =>
          this.onExtend({ task, clip, at }),
        );
        this.cards.set(clip.id, card);
        this.list.append(card.root);
      }
      card.update(clip);
    });
  }
}

class ClipCard {
  constructor(template, number, onError, extend) {
    this.root = template.content.firstElementChild.cloneNode(true);
    this.number = number;
    this.onError = onError;
    const $ = (selector) => this.root.querySelector(selector);
    this.title = $(".title");
    this.tags = $(".tags");
    this.state = $(".clip-status");
    this.bar = $(".clip-progress");
    this.audio = $(".player");
    this.cover = $("img.cover");
    this.placeholder = $(".cover.placeholder");
    this.downloads = $(".downloads");
    this.extendBox = $(".extend");
    this.extendAt = $(".extend-at");
    this.karaoke = new Karaoke($(".lyrics"), this.audio, $(".wave"));
    this.timing = "none";
    this.status = "";
    this.root.querySelector(".lyrics").addEventListener("click", () => {
      // A click on a word seeks there (the Karaoke handler); play from it.
      if (this.audio.paused && this.audio.src) this.audio.play().catch(() => {});
    });
    $(".use-position").addEventListener("click", () => {
      this.extendAt.value = this.audio.currentTime.toFixed(1);
    });
    $(".extend-form").addEventListener("submit", (event) => {
      event.preventDefault();
      extend(Number.parseFloat(this.extendAt.value || "0"));
    });
    this.extendBox.hidden = true;
  }

  update(clip) {
    const meta = clip.metadata || {};
    const title = clip.title || (clip.status === "error" ? "No song" : "Writing the song…");
    this.title.textContent = `${this.number}. ${title}`;
    this.audio.setAttribute("aria-label", `Play clip ${this.number}: ${title}`);
    this.tags.textContent = meta.tags || "";
    const value = clip.status === "complete" ? 100 : percent(clip.progress);
    this.bar.value = value;
    this.bar.setAttribute("aria-label", `Clip ${this.number} progress`);
    this.bar.hidden = clip.status === "complete" || clip.status === "error";
    this.state.textContent = this.describe(clip, value);
    this.setAudio(clip.audio_url);
    if (clip.image_url && this.cover.getAttribute("src") !== clip.image_url) {
      this.cover.src = clip.image_url;
      this.cover.alt = `Cover art of ${title}`;
      this.cover.hidden = false;
      this.placeholder.hidden = true;
    }
    this.karaoke.showText(meta.prompt || "");
    this.loadTiming(clip);
    if (clip.status === "complete" && this.status !== "complete") {
      this.extendAt.max = String(meta.duration || "");
      this.extendBox.hidden = false;
      this.showDownloads(clip, title);
    }
    this.status = clip.status;
  }

  describe(clip, value) {
    const meta = clip.metadata || {};
    switch (clip.status) {
      case "submitted":
        return "Waiting for a worker";
      case "queued":
        return "Queued";
      case "streaming":
        return `Making the song · ${value}% · ${seconds(meta.duration)} playable`;
      case "complete":
        return `Ready · ${seconds(meta.duration)}`;
      case "error":
        return `Failed: ${meta.error_message || "the song could not be made"}`;
      default:
        return clip.status;
    }
  }

  // Follow the audio URL (the growing stream, then the final file) without cutting off
  // what is playing: a new URL is taken only while paused, at the same position.
  setAudio(url) {
    if (!url || this.audio.getAttribute("src") === url) return;
    if (this.audio.getAttribute("src") && !this.audio.paused) {
      this.audio.addEventListener("pause", () => this.setAudio(url), { once: true });
      return;
    }
    const at = this.audio.currentTime;
    this.audio.src = url;
    if (at > 0) {
      this.audio.addEventListener(
        "loadedmetadata",
        () => {
          this.audio.currentTime = at;
        },
        { once: true },
      );
    }
  }

  async loadTiming(clip) {
    // Words are known once the song is composed (streaming); the waveform once complete.
    const want = clip.status === "complete" ? "final" : clip.status === "streaming" ? "words" : "";
    if (!want || this.timing === want || this.timing === "loading" || this.timing === "absent") {
      return;
    }
    const before = this.timing;
    this.timing = "loading";
    try {
      const data = await api.timing(clip.id);
      this.karaoke.setTiming(data);
      // Words appear once the song is composed: ask again until they do.
      this.timing = want === "final" || (data.aligned_words || []).length ? want : before;
    } catch (error) {
      // No timing route on this server, or none for this clip yet: plain lyrics stay.
      const missing = error instanceof api.ApiError && error.status === 404;
      this.timing = missing && want === "final" ? "absent" : before;
    }
  }

  async showDownloads(clip, title) {
    const fileName = (title || "song").replace(/[^\w\- ]+/g, "").trim() || "song";
    const links = [];
    const add = (label, url, filename) => {
      if (!url) return;
      const link = document.createElement("a");
      link.href = url;
      link.download = filename;
      link.textContent = label;
      links.push(link);
    };
    add("MP3", clip.audio_url, `${fileName}.mp3`);
    add("MP4 video", clip.video_url, `${fileName}.mp4`);
    add("Cover", clip.image_large_url, `${fileName}.jpg`);
    // Optional acts of this server: each answers links to files made on request.
    const routes = await api.serverRoutes();
    for (const [label, route] of [
      ["WAV", "/suno/act/wav/{clip_id}"],
      ["MIDI", "/suno/act/midi/{clip_id}"],
      ["Stems", "/suno/act/stems/{clip_id}"],
    ]) {
      if (!routes.has(route)) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", async () => {
        button.disabled = true;
        button.textContent = `Preparing ${label}…`;
        try {
          const found = await api.actLinks(route.replace("{clip_id}", encodeURIComponent(clip.id)));
          const made = found.map(({ name, url }) => {
            const link = document.createElement("a");
            link.href = url;
            link.download = `${fileName}-${name}${url.slice(url.lastIndexOf("."))}`;
            link.textContent = found.length > 1 ? `${label}: ${name}` : label;
            return link;
          });
          if (!made.length) throw new Error(`${label}: the service gave no file.`);
          button.replaceWith(...made);
          made[0].focus();
          if (made.length === 1) made[0].click();
        } catch (error) {
          button.disabled = false;
          button.textContent = label;
          this.onError(error);
        }
      });
      links.push(button);
    }
    this.downloads.replaceChildren(...links);
    this.downloads.setAttribute("aria-label", `Downloads of clip ${this.number}`);
  }
}
