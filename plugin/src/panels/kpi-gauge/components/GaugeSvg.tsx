import React from 'react';
import { arcPath, fractionOf, angleAt, polar, thresholdSegments } from '../../../kpi/gauge-geometry';
import type { ThresholdStep } from '../../../kpi/threshold-steps';
import { testIds } from '../../../testIds';

export interface GaugeSvgProps {
  value: number;
  min: number;
  max: number;
  /** CSS colour of the value arc. */
  color: string;
  /** Threshold steps with CSS colours, drawn as a thin outer ring. */
  steps: ThresholdStep[];
  target?: number;
  valueText: string;
  subText?: string;
  trackColor: string;
  textColor: string;
  secondaryTextColor: string;
  height: number;
}

const CENTER = { x: 100, y: 100 };
const ARC_RADIUS = 76;
const RING_RADIUS = 91;

/** The gauge drawn in SVG (scales with its box): threshold ring, track, value arc, target tick, value text. */
export function GaugeSvg(props: GaugeSvgProps) {
  const fraction = fractionOf(props.value, props.min, props.max);
  const segments = props.steps.length > 1 ? thresholdSegments(props.steps, props.min, props.max) : [];
  const targetFraction = props.target !== undefined ? fractionOf(props.target, props.min, props.max) : undefined;
  const fontSize = Math.max(14, Math.min(30, 190 / Math.max(1, props.valueText.length)));
  return (
    <svg
      viewBox="0 6 200 142"
      height={props.height}
      width="100%"
      role="img"
      aria-label={`${props.valueText}${props.subText ? `, ${props.subText}` : ''}`}
      preserveAspectRatio="xMidYMid meet"
    >
      {segments.map((s, i) => (
        <path key={i} d={arcPath(CENTER, RING_RADIUS, s.from, s.to)} stroke={s.color} strokeWidth={4} fill="none" />
      ))}
      <path
        d={arcPath(CENTER, ARC_RADIUS, 0, 1)}
        stroke={props.trackColor}
        strokeWidth={16}
        fill="none"
        strokeLinecap="round"
      />
      {fraction > 0 && (
        <path
          data-testid={testIds.kpiGauge.arc}
          d={arcPath(CENTER, ARC_RADIUS, 0, fraction)}
          stroke={props.color}
          strokeWidth={16}
          fill="none"
          strokeLinecap="round"
        />
      )}
      {targetFraction !== undefined && <TargetTick fraction={targetFraction} color={props.textColor} />}
      <text
        x={100}
        y={104}
        textAnchor="middle"
        fontSize={fontSize}
        fontWeight={500}
        fill={props.textColor}
        data-testid={testIds.kpiGauge.value}
      >
        {props.valueText}
      </text>
      {props.subText && (
        <text
          x={100}
          y={126}
          textAnchor="middle"
          fontSize={11}
          fill={props.secondaryTextColor}
          data-testid={testIds.kpiGauge.target}
        >
          {props.subText}
        </text>
      )}
    </svg>
  );
}

function TargetTick(props: { fraction: number; color: string }) {
  const angle = angleAt(props.fraction);
  const inner = polar(CENTER, ARC_RADIUS - 11, angle);
  const outer = polar(CENTER, ARC_RADIUS + 11, angle);
  return (
    <line
      x1={inner.x}
      y1={inner.y}
      x2={outer.x}
      y2={outer.y}
      stroke={props.color}
      strokeWidth={3}
      strokeLinecap="round"
    />
  );
}
