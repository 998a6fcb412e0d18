import 'chartist/dist/index.css';
import { BarChart as ChartistBar } from 'chartist';
import { useEffect, useId, useRef } from 'react';
import { formatAxisNumber, formatNumber } from '../../shared/format.ts';

interface Props {
  title: string;
  /** One sentence that says what the chart shows, for screen readers and as the SVG's label. */
  summary: string;
  labels: string[];
  values: number[];
  horizontal?: boolean;
  /** Show at most every nth label on the category axis (fewer where they would touch). */
  labelEvery?: number;
  height?: number;
}

/** A generous width of a short label in the axis font (0.75rem; a digit is at most ~7.5 px wide there). */
function labelWidth(text: string): number {
  return Math.ceil(text.length * 7.5) + 6;
}

/**
 * A bar chart drawn by Chartist as SVG, with the numbers also in a table: the SVG is one labelled image
 * for assistive technology, and the table (behind "Show the numbers") is what a screen reader or a
 * keyboard user reads in detail.
 */
export function BarChart({ title, summary, labels, values, horizontal = false, labelEvery = 1, height = 220 }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    if (!container.current) return;
    // An axis label lives in a box of fixed width (Chartist's foreignObject) that clips what does not fit:
    // the value axis is sized after its longest label, in the short form ("300K"; the table has the rest).
    const valueLabelWidth = labelWidth(formatAxisNumber(Math.max(0, ...values)));
    // Category labels are drawn whole, centred under their bar (styles.css), so one may be wider than its
    // bar's slot (a day under a phone's 9 px bar): show every nth, n large enough that none touch.
    const slot = Math.max(1, (container.current.clientWidth - valueLabelWidth - 28) / Math.max(1, labels.length));
    const categoryEvery = horizontal ? 1 : Math.max(labelEvery, Math.ceil((Math.max(0, ...labels.map((label) => labelWidth(label))) + 8) / slot));
    const chart = new ChartistBar(
      container.current,
      { labels, series: [values] },
      {
        horizontalBars: horizontal,
        height: `${height}px`,
        // Horizontal: a value label starts at its tick, so the last one needs room right of the chart.
        chartPadding: { top: 16, right: horizontal ? valueLabelWidth : 16, bottom: 4, left: horizontal ? 16 : 4 },
        axisX: horizontal
          ? { onlyInteger: true, scaleMinSpace: valueLabelWidth + 8, labelInterpolationFnc: (value: unknown) => formatAxisNumber(Number(value)) }
          : { showGrid: false, labelInterpolationFnc: (value: unknown, index: number) => (index % categoryEvery === 0 ? String(value) : '') },
        axisY: horizontal
          ? { offset: 56, showGrid: false }
          : { onlyInteger: true, offset: valueLabelWidth + 8, labelInterpolationFnc: (value: unknown) => formatAxisNumber(Number(value)) },
      },
    );
    // Thirty days on a phone leave ~8 px a bar: a fixed 14 px stroke would paint them into one block.
    chart.on('draw', (data: { type: string; element: { getNode(): Element }; axisX: { axisLength: number }; axisY: { axisLength: number } }) => {
      if (data.type !== 'bar') return;
      const step = (horizontal ? data.axisY.axisLength : data.axisX.axisLength) / Math.max(1, labels.length);
      (data.element.getNode() as SVGElement).style.strokeWidth = `${Math.max(2, Math.min(14, Math.floor(step * 0.6)))}px`;
    });
    chart.on('created', () => {
      const svg = container.current?.querySelector('svg');
      if (!svg) return;
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-labelledby', `${id}-title ${id}-summary`);
    });
    return () => {
      chart.detach();
    };
  }, [labels, values, horizontal, labelEvery, height, id]);

  return (
    <figure className="chart">
      <figcaption>
        <h3 id={`${id}-title`}>{title}</h3>
        <p id={`${id}-summary`} className="visually-hidden">
          {summary}
        </p>
      </figcaption>
      <div ref={container} className={horizontal ? 'chart-canvas' : 'chart-canvas chart-columns'} style={{ height }} aria-hidden={false} />
      <details className="chart-numbers">
        <summary>Show the numbers</summary>
        <table className="data-table">
          <caption className="visually-hidden">{title}</caption>
          <tbody>
            {labels.map((label, index) => (
              <tr key={`${label}-${index}`}>
                <th scope="row">{label}</th>
                <td className="numeric">{formatNumber(values[index])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
