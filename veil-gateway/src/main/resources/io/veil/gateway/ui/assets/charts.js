// Time-series charts with uPlot (vendored, MIT; see vendor/uPlot.LICENSE.txt). Each chart has a text
// alternative: the figure's caption plus a summary the caller keeps up to date.
import uPlot from './vendor/uPlot.esm.js';

const PALETTE = ['#0b57d0', '#a40e26', '#116329', '#7a4d00', '#6f42c1', '#00707a', '#b4308a', '#4a5361',
  '#d1410c', '#2f6f2f', '#1f3a93', '#8a1c7c'];

function width(box) {
  return Math.max(260, Math.floor(box.getBoundingClientRect().width || box.clientWidth || 300));
}

/** A line chart in `box` for series names; update(xs, [ys...]) redraws it with new data. */
export class LineChart {
  constructor(box, seriesNames, { yLabel = '' } = {}) {
    this.box = box;
    this.names = seriesNames;
    this.yLabel = yLabel;
    this.plot = null;
    this.resize = () => this.plot && this.plot.setSize({ width: width(this.box), height: 220 });
    window.addEventListener('resize', this.resize);
  }

  update(xs, ys, names = this.names) {
    const data = [xs, ...ys];
    if (!this.plot || names.join('\u0000') !== this.names.join('\u0000')) {
      this.names = names;
      if (this.plot) this.plot.destroy();
      const opts = {
        width: width(this.box), height: 220,
        series: [{}, ...names.map((n, i) => ({
          label: n, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: false,
        }))],
        axes: [{}, { label: this.yLabel, size: 55 }],
        scales: { y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
      };
      this.plot = new uPlot(opts, data, this.box);
      // the canvas is decoration: the figure caption and the summary table carry the information
      this.box.querySelectorAll('canvas').forEach((c) => c.setAttribute('aria-hidden', 'true'));
    } else {
      this.plot.setData(data);
    }
  }
}
