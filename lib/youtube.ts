// YouTube video links as artists paste them: youtube.com/watch?v=<id> (also m., music. and www.), youtu.be/<id>
// and youtube.com/shorts/<id>, each naming an 11-character video id. Anything else names no single video.

const VIDEO_ID = /^[\w-]{11}$/;
const YOUTUBE_HOST = /^((www|m|music)\.)?youtube\.com$/;

/** The video id a YouTube link names, or null (not a link to one video). */
export function youtubeVideoIdOf(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const path = url.pathname.split('/').filter(Boolean);
  let id: string | null = null;
  if (url.hostname === 'youtu.be' && path.length === 1) id = path[0];
  else if (YOUTUBE_HOST.test(url.hostname) && path.length === 1 && path[0] === 'watch') id = url.searchParams.get('v');
  else if (YOUTUBE_HOST.test(url.hostname) && path.length === 2 && path[0] === 'shorts') id = path[1];
  return id !== null && VIDEO_ID.test(id) ? id : null;
}

/** The canonical watch link of a video id. */
export const youtubeWatchUrl = (videoId: string) => `https://www.youtube.com/watch?v=${videoId}`;
