// The modules scripts/lessonsPlugin.ts generates from lessons/*.md: the index of every lesson
// (bodies left out), and one module per lesson body.
declare module 'virtual:lessons' {
  const library: import('./lessonLibrary').LessonLibrary;
  export default library;
  export const bodies: Record<string, () => Promise<{ default: import('./lessonLibrary').LessonSegment[] }>>;
}
