/// <reference lib="webworker" />
// Parses learners' CSV files off the page's main thread: a 1 MB file with a formula cell took
// 0.7 s of the main thread to reject (issue 11).
import { readCsv, type CsvRequest } from './csvReading';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (event: MessageEvent<CsvRequest>) => void readCsv(event.data).then((reply) => scope.postMessage(reply));
