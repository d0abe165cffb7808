// Chorus studio: the page's wiring. Views follow the address (#create, #task=ID,
// #library?q=&page=) so reloads and the back button keep the place.

import * as api from "./api.js";
import { Library } from "./library.js";
import { TaskWatcher } from "./task.js";

const $ = (selector) => document.querySelector(selector);
const LYRICS_POLL_MS = 800;
const LYRICS_WAIT_MS = 120_000;

const alertBox = $("#alert");
const alertText = $("#alert-text");

function showError(error, text) {
  alertText.textContent = text || api.explain(error);
  alertBox.hidden = false;
}

function clearError() {
  alertBox.hidden = true;
  alertText.textContent = "";
}

$("#alert-close").addEventListener("click", clearError);

// -- the key ---------------------------------------------------------------------------

const keyInput = $("#key");
const keyState = $("#key-state");

function showKeyState() {
  keyState.textContent = api.getKey() ? "Key saved in this browser." : "No key yet.";
}

$("#key-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  if (!key) {
    showError(null, "API key: enter the key you were given.");
    keyInput.focus();
    return;
  }
  api.setKey(key);
  keyInput.value = "";
  clearError();
  showKeyState();
  try {
    // Checks the key at once rather than at the first song.
    await api.library("", 1, 1);
  } catch (error) {
    if (!(error instanceof api.ApiError && error.status === 404)) showError(error);
  }
  route();
});

$("#forget-key").addEventListener("click", () => {
  api.setKey("");
  showKeyState();
});

// -- creating a song ---------------------------------------------------------------------

const form = $("#song-form");
const createButton = $("#create");

function mode() {
  return form.querySelector("input[name=mode]:checked").value;
}

function showMode() {
  const custom = mode() === "custom";
  $("#custom-fields").hidden = !custom;
  $("#inspiration-fields").hidden = custom;
}

form.querySelectorAll("input[name=mode]").forEach((radio) => {
  radio.addEventListener("change", showMode);
});

function fieldError(selector, message) {
  showError(null, message);
  $(selector).focus();
  return null;
}

function songBody() {
  const body = {
    make_instrumental: $("#instrumental").checked,
    duration: Number($("#duration").value),
  };
  if ($("#voice").value) body.voice = $("#voice").value;
  if (mode() === "inspiration") {
    const idea = $("#idea").value.trim();
    if (!idea) return fieldError("#idea", "Song idea: describe the song you want.");
    body.gpt_description_prompt = idea;
    return body;
  }
  const lyrics = $("#lyrics").value.trim();
  const tags = $("#tags").value.trim();
  const title = $("#title").value.trim();
  if (!lyrics && !tags && !title && !body.make_instrumental) {
    return fieldError("#lyrics", "Lyrics: write lyrics (or give style tags or a title).");
  }
  Object.assign(body, { prompt: lyrics, tags, title });
  return body;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = songBody();
  if (!body) return;
  await submit(body);
});

async function submit(body) {
  if (!api.getKey()) {
    showError(null, "API key: enter your key at the top of the page first.");
    keyInput.focus();
    return;
  }
  clearError();
  createButton.disabled = true;
  try {
    const taskId = await api.submitMusic(body);
    location.hash = `task=${encodeURIComponent(taskId)}`;
    $("#task-heading").focus();
  } catch (error) {
    showError(error);
  } finally {
    createButton.disabled = false;
  }
}

// Section buttons put a marker on its own line at the cursor.
$("#custom-fields .sections").addEventListener("click", (event) => {
  const marker = event.target.closest("button")?.dataset.section;
  if (!marker) return;
  const area = $("#lyrics");
  const { selectionStart: start, selectionEnd: end, value } = area;
  const before = value.slice(0, start);
  // A blank line before the marker unless it starts the lyrics.
  let lead = "";
  if (before && !before.endsWith("\n")) lead = "\n\n";
  else if (before && !before.endsWith("\n\n")) lead = "\n";
  const insert = `${lead}${marker}\n`;
  area.value = before + insert + value.slice(end);
  const cursor = start + insert.length;
  area.focus();
  area.setSelectionRange(cursor, cursor);
});

const writeButton = $("#write-lyrics");
const writeState = $("#write-state");

writeButton.addEventListener("click", async () => {
  const idea = $("#lyrics-idea").value.trim() || $("#idea").value.trim();
  if (!idea) {
    fieldError("#lyrics-idea", "Idea for the lyrics: say what the song is about.");
    return;
  }
  if (!api.getKey()) {
    fieldError("#key", "API key: enter your key at the top of the page first.");
    return;
  }
  clearError();
  writeButton.disabled = true;
  writeState.textContent = "Writing lyrics…";
  try {
    const result = await writeLyrics(idea);
    $("#lyrics").value = result.text || "";
    if (result.title) $("#title").value = result.title;
    if (result.tags) $("#tags").value = result.tags;
    writeState.textContent = "Lyrics written: edit them as you like.";
    $("#lyrics").focus();
  } catch (error) {
    writeState.textContent = "";
    showError(error);
  } finally {
    writeButton.disabled = false;
  }
});

async function writeLyrics(idea) {
  const taskId = await api.submitLyrics(idea);
  const deadline = Date.now() + LYRICS_WAIT_MS;
  while (Date.now() < deadline) {
    const task = await api.fetchTask(taskId);
    if (task.status === "SUCCESS") return task.data || {};
    if (task.status === "FAILURE") throw new Error(`Lyrics failed: ${task.fail_reason}`);
    await new Promise((resolve) => setTimeout(resolve, LYRICS_POLL_MS));
  }
  throw new Error("Lyrics took too long: try again.");
}

// -- watching a task, extending a clip ---------------------------------------------------

const watcher = new TaskWatcher($("#task"), {
  onError: showError,
  onExtend: ({ task, clip, at }) => {
    const meta = clip.metadata || {};
    return submit({
      task: "extend",
      task_id: task.task_id,
      continue_clip_id: clip.id,
      continue_at: at,
      tags: meta.tags || "",
      title: clip.title || "",
      duration: Number($("#duration").value),
    });
  },
});

// -- views -------------------------------------------------------------------------------

const library = new Library($("#library-view"), { onError: showError });

function setView(name) {
  $("#create-view").hidden = name !== "create";
  $("#library-view").hidden = name !== "library";
  for (const tab of ["create", "library"]) {
    const link = $(`#tab-${tab}`);
    if (tab === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function route() {
  const hash = location.hash.replace(/^#/, "");
  if (hash.startsWith("library")) {
    setView("library");
    const query = hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "";
    if (api.getKey()) library.load(new URLSearchParams(query));
    else showError(null, "API key: enter your key at the top of the page to see your songs.");
    return;
  }
  setView("create");
  if (hash.startsWith("task=") && api.getKey()) watcher.show(decodeURIComponent(hash.slice(5)));
}

window.addEventListener("hashchange", route);
$("#task-heading").tabIndex = -1;
showMode();
showKeyState();
route();
