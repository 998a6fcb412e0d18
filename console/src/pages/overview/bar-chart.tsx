import 'chartist/dist/index.css';
import { BarChart as ChartistBar } from 'chartist';
import { useEffect, useId, useRef } from 'react';
import { formatNumber } from '../../shared/format.ts';

interface Props {
  title: string;
  /** One sentence that says what the chart shows, for screen readers and as the SVG's label. */
  summary: string;
  labels: string[];
  values: number[];
  horizontal?: boolean;
  /** Show every nth label on the category axis (30 days do not fit under one chart). */
  labelEvery?: number;
  height?: number;
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
    const chart = new ChartistBar(
      container.current,
      { labels, series: [values] },
      {
        horizontalBars: horizontal,
        height: `${height}px`,
        chartPadding: { top: 10, right: 16, bottom: 4, left: horizontal ? 16 : 4 },
        axisX: horizontal
          ? { onlyInteger: true, labelInterpolationFnc: (value: unknown) => formatNumber(Number(value)) }
          : { showGrid: false, labelInterpolationFnc: (value: unknown, index: number) => (index % labelEvery === 0 ? String(value) : '') },
        axisY: horizontal ? { offset: 56, showGrid: false } : { onlyInteger: true, offset: 44, labelInterpolationFnc: (value: unknown) => formatNumber(Number(value)) },
      },
    );
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
      <div ref={container} className="chart-canvas" style={{ height }} aria-hidden={false} />
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
