// Charts drawn by uPlot, each with the table of its values beside it for assistive technology.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { t } from "./i18n";

/** A bar chart drawn by uPlot; hidden from assistive technology, which reads the table beside it. */
function Bars({ labels, values, format }: { labels: string[]; values: number[]; format: (v: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = box.current;
    if (!host) return;
    const xs = labels.map((_, i) => i);
    const bars = uPlot.paths.bars?.({ size: [0.7, 48] });
    const chart = new uPlot(
      {
        width: Math.max(280, host.clientWidth),
        height: 220,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [-0.5, labels.length - 0.5] } },
        axes: [
          { values: (_u, ticks) => ticks.map((i) => labels[i] ?? ""), stroke: "#1b1f23", grid: { show: false } },
          { values: (_u, ticks) => ticks.map(format), stroke: "#1b1f23", size: 64 },
        ],
        series: [{}, { fill: "#2f8f5b", stroke: "#1d6b45", ...(bars ? { paths: bars } : {}), points: { show: false } }],
      },
      [xs, values],
      host,
    );
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(280, host.clientWidth), height: 220 });
    });
    resize.observe(host);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [labels.join("|"), values.join("|")]);
  return <div class="chart" ref={box} aria-hidden="true" />;
}

export function Chart({
  title,
  column,
  labels,
  values,
  format,
}: {
  title: string;
  column: string;
  labels: string[];
  values: number[];
  format: (v: number) => string;
}) {
  return (
    <figure>
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      <Bars labels={labels} values={values} format={format} />
      <details>
        <summary>{t("insights.asTable")}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{column}</th>
              <th scope="col" class="num">
                {title}
              </th>
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td class="num">{format(values[i] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

