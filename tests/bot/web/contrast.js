// Texts whose contrast against their background is below WCAG 2.1 AA:
// 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px and bold).
() => {
  const rgb = (value) => (value.match(/[\d.]+/g) || []).map(Number);
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ([r, g, b]) =>
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || (colour.length === 4 && colour[3] === 1)) {
        return colour.slice(0, 3);
      }
    }
    return [255, 255, 255];
  };
  const problems = [];
  for (const element of document.querySelectorAll("body *")) {
    const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(element);
    if (!own || style.visibility === "hidden" || element.offsetParent === null) continue;
    if (element.closest(".skip-link, svg")) continue;
    const fore = luminance(rgb(style.color));
    const back = luminance(background(element));
    const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      const text = element.textContent.trim().slice(0, 40);
      problems.push(`${element.tagName} ${ratio.toFixed(2)}: ${text}`);
    }
  }
  return problems;
}
