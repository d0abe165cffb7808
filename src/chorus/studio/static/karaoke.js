// Lyrics that follow the music: each sung word is a span lit while the audio plays it,
// from the word timings of /suno/act/timing/{clip}. A waveform doubles as a seek bar.

export class Karaoke {
  constructor(container, audio, canvas) {
    this.container = container;
    this.audio = audio;
    this.canvas = canvas;
    this.words = [];
    this.spans = [];
    this.current = -1;
    this.last = -1;
    this.peaks = [];
    this.frame = 0;
    const tick = () => this.update();
    audio.addEventListener("timeupdate", tick);
    audio.addEventListener("seeked", tick);
    audio.addEventListener("play", () => this.loop());
    canvas.addEventListener("click", (event) => this.seekFromWave(event));
  }

  // Plain lyrics until timings arrive (or when the server has none).
  showText(text) {
    if (this.words.length) return;
    this.container.replaceChildren();
    if (!text) return;
    const pre = document.createElement("pre");
    pre.textContent = text;
    this.container.append(pre);
  }

  setTiming(data) {
    const words = (data && data.aligned_words) || [];
    this.peaks = (data && data.waveform_data) || [];
    this.drawWave();
    if (!words.length || words.length === this.words.length) return;
    this.words = words;
    this.spans = [];
    this.current = -1;
    this.last = -2;
    const labels = (data.sections || []).map((section) => section.label);
    const fragment = document.createDocumentFragment();
    let section = null;
    let lineKey = null;
    let line = null;
    words.forEach((word, index) => {
      if (word.section !== undefined && word.section !== section) {
        section = word.section;
        if (labels[section]) {
          const label = document.createElement("p");
          label.className = "section";
          label.textContent = labels[section];
          fragment.append(label);
        }
      }
      const key = `${word.section}:${word.line}`;
      if (line === null || (word.line !== undefined && key !== lineKey)) {
        line = document.createElement("p");
        line.className = "line";
        fragment.append(line);
        lineKey = key;
      }
      const span = document.createElement("span");
      span.className = "word";
      span.textContent = word.word;
      span.dataset.index = String(index);
      span.addEventListener("click", () => {
        this.audio.currentTime = word.start_s;
      });
      line.append(span, " ");
      this.spans.push(span);
    });
    this.container.replaceChildren(fragment);
    this.update();
  }

  loop() {
    cancelAnimationFrame(this.frame);
    const step = () => {
      this.update();
      if (!this.audio.paused && !this.audio.ended) this.frame = requestAnimationFrame(step);
    };
    this.frame = requestAnimationFrame(step);
  }

  // The last word that started at or before t (-1 before the first one).
  wordAt(t) {
    let low = 0;
    let high = this.words.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.words[mid].start_s <= t) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  update() {
    const t = this.audio.currentTime;
    this.drawWave();
    if (!this.words.length) return;
    const index = this.wordAt(t);
    // Between lines nothing is lit: the last word ended a while before t.
    const lit = index >= 0 && t <= this.words[index].end_s + 0.6 ? index : -1;
    if (lit === this.current && index === this.last) return;
    this.spans.forEach((span, i) => {
      span.classList.toggle("sung", i < index || (lit < 0 && i === index));
      span.classList.toggle("now", i === lit);
    });
    if (this.current >= 0) this.spans[this.current].removeAttribute("aria-current");
    if (lit >= 0) {
      this.spans[lit].setAttribute("aria-current", "true");
      keepVisible(this.container, this.spans[lit]);
    }
    this.current = lit;
    this.last = index;
  }

  drawWave() {
    const canvas = this.canvas;
    if (!this.peaks.length) {
      canvas.hidden = true;
      return;
    }
    canvas.hidden = false;
    const width = canvas.clientWidth || 600;
    if (canvas.width !== width) canvas.width = width;
    const context = canvas.getContext("2d");
    const style = getComputedStyle(canvas);
    const played = style.getPropertyValue("--accent").trim() || "#3b4fd8";
    const height = canvas.height;
    const duration = this.audio.duration || 0;
    const progress = duration && Number.isFinite(duration) ? this.audio.currentTime / duration : 0;
    context.clearRect(0, 0, width, height);
    const bar = width / this.peaks.length;
    this.peaks.forEach((peak, i) => {
      const h = Math.max(1, peak * (height - 2));
      context.fillStyle = i / this.peaks.length < progress ? played : "#9a9aa6";
      context.fillRect(i * bar, (height - h) / 2, Math.max(1, bar - 1), h);
    });
  }

  seekFromWave(event) {
    const duration = this.audio.duration;
    if (!duration || !Number.isFinite(duration)) return;
    const box = this.canvas.getBoundingClientRect();
    this.audio.currentTime = ((event.clientX - box.left) / box.width) * duration;
  }
}

// Scroll the lyrics box (not the page) so the lit word stays in view.
function keepVisible(box, span) {
  const top = span.offsetTop - box.offsetTop;
  if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 30) {
    box.scrollTop = Math.max(0, top - box.clientHeight / 3);
  }
}
