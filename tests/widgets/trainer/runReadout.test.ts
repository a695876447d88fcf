import { describe, expect, it } from 'vitest';
import {
  aimedEpochs,
  epochFraction,
  epochReadout,
  finishedSummary,
  percentText,
  readyFraction,
  readyLabel,
  targetAfterEpochsChange,
  targetAfterTrain,
  trainMoreLabel,
  wholeEpochs,
} from '../../../src/widgets/trainer/runReadout';

describe('the epoch read-out', () => {
  it('never shows more epochs than the target, and ∞ when training until paused', () => {
    expect(epochReadout(1.254, 3)).toBe('1.25 / 3');
    expect(epochReadout(4.31, 3)).toBe('3.00 / 3');
    expect(epochReadout(-0.1, 3)).toBe('0.00 / 3');
    expect(epochReadout(4.31, Infinity)).toBe('4.31 / ∞');
  });

  it('gives the fraction of the target done for the progress bar', () => {
    expect(epochFraction(1.5, 3)).toBe(0.5);
    expect(epochFraction(4, 3)).toBe(1);
    expect(epochFraction(1, Infinity)).toBeNull();
    expect(percentText(0.4999)).toBe('50 %');
    expect(percentText(1.2)).toBe('100 %');
  });
});

describe('the epoch target', () => {
  it('is the settings’ count until Train is pressed (0 epochs = until paused)', () => {
    expect(aimedEpochs(0, 3)).toBe(3);
    expect(aimedEpochs(0, 0)).toBe(Infinity);
    expect(aimedEpochs(6, 3)).toBe(6);
  });

  it('grows by the settings’ count when Train is pressed after the run finished, as the session does', () => {
    let target = targetAfterTrain(0, 0, 3);
    expect(target).toBe(3);
    target = targetAfterTrain(target, 1.4, 3); // paused mid-run and resumed: same target
    expect(target).toBe(3);
    target = targetAfterTrain(target, 3, 3); // finished, train more
    expect(target).toBe(6);
    expect(epochReadout(4.31, target)).toBe('4.31 / 6');
    expect(targetAfterTrain(target, 6.0000001, 1)).toBe(7);
    expect(targetAfterTrain(6, 6, 0)).toBe(Infinity);
  });

  it('follows an epochs change applied while training: at least one more whole epoch', () => {
    expect(targetAfterEpochsChange(3, 1.2, 5)).toBe(5);
    expect(targetAfterEpochsChange(3, 2.5, 1)).toBe(3);
    expect(targetAfterEpochsChange(3, 2.5, 0)).toBe(Infinity);
    expect(targetAfterEpochsChange(0, 0, 5)).toBe(0); // not started: the settings' count is used
  });

  it('counts whole epochs through float noise', () => {
    expect(wholeEpochs(2.9999999)).toBe(3);
    expect(wholeEpochs(2.5)).toBe(2);
  });
});

describe('the finished state', () => {
  it('says how many epochs were trained and the validation accuracy they reached', () => {
    expect(finishedSummary(3, 0.9743)).toBe('Finished 3 epochs: 97.4 % validation accuracy.');
    expect(finishedSummary(1, 0.5)).toBe('Finished 1 epoch: 50.0 % validation accuracy.');
    expect(finishedSummary(2, undefined)).toBe('Finished 2 epochs.');
    expect(trainMoreLabel(3)).toBe('Train 3 more epochs');
    expect(trainMoreLabel(1)).toBe('Train 1 more epoch');
  });
});

describe('getting ready', () => {
  it('moves forward through the engine, the download (by bytes) and building the model', () => {
    const half = { received: 800_000, total: 1_600_000 };
    const steps = [readyFraction('engine', null), readyFraction('download', null), readyFraction('download', half), readyFraction('download', { received: 1_600_000, total: 1_600_000 }), readyFraction('model', half)];
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps[2]).toBeCloseTo(0.25 + 0.65 / 2);
    expect(readyLabel('engine', null)).toBe('Starting the training engine');
    expect(readyLabel('download', half)).toBe('Downloading the digits (0.8 of 1.6 MB)');
    expect(readyLabel('download', { received: 500_000, total: 0 })).toBe('Downloading the digits (0.5 MB)');
    expect(readyLabel('download', null)).toBe('Loading the data');
  });
});
