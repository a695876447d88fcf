// The module scripts/lessonsPlugin.ts generates from lessons/*.md.
declare module 'virtual:lessons' {
  const library: import('./lessonLibrary').LessonLibrary;
  export default library;
}
