"""Frames as people keep them, decoded one at a time: pictures (GIF, PNG, WebP, TIFF, ...), videos, folders.

:func:`open_frames` opens a source and says what it holds (its kind, the
size of a frame, how many frames when the container knows) without decoding
more than the header; iterating over the :class:`Frames` decodes one frame
at a time, so memory holds a frame, not the recording.  Pictures go through
Pillow; videos (MP4, WebM, AVI, MOV, MKV) through PyAV, FFmpeg's libraries in
a wheel (no system ffmpeg).  A folder is read as one frame a file, the files
in the order of the numbers in their names (``frame_2`` before ``frame_10``).
Transparent pixels come premultiplied (every fully transparent pixel is
``(0, 0, 0, 0)``), so their hidden colour does not make a state.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from lifelab.errors import InputError
from lifelab.utils import ascii_digits, atomic_path

__all__ = [
    "MAX_PIXELS",
    "PICTURE_SUFFIXES",
    "VIDEO_SUFFIXES",
    "Frames",
    "natural_key",
    "open_frames",
    "premultiplied",
    "save_frames",
]

#: Pictures Pillow reads (animated ones frame by frame).
PICTURE_SUFFIXES = (".gif", ".png", ".apng", ".webp", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
#: Video containers PyAV reads.
VIDEO_SUFFIXES = (".mp4", ".m4v", ".webm", ".avi", ".mov", ".mkv", ".ogv")
#: The most pixels a frame may have (a 16000x16000 header is refused before anything is decoded).
MAX_PIXELS = 40_000_000
#: The video codec :func:`save_frames` writes for each container.
CODECS = {
    ".mp4": "libx264",
    ".m4v": "libx264",
    ".mov": "libx264",
    ".mkv": "libx264",
    ".webm": "libvpx-vp9",
    ".avi": "mpeg4",
}


@dataclass
class Frames:
    """A source of frames, decoded one at a time by iterating over it.

    Attributes:
        source: What was opened.
        kind: What it is, in words (``"animated GIF"``, ``"h264 video, 30 frames/s"``, ``"folder of 21 PNG files"``).
        count: Frames, when the container says (None for a video that does not).
        height: Pixels down a frame.
        width: Pixels across a frame.
        channels: 3 (RGB) or 4 (RGBA, premultiplied).
        lossy: The format loses detail (a video, JPEG): colours drift from what was drawn.
    """

    source: str
    kind: str
    count: int | None
    height: int
    width: int
    channels: int
    decode: Callable[[], Iterator[np.ndarray]] = field(repr=False)
    lossy: bool = False

    def __iter__(self) -> Iterator[np.ndarray]:
        for frame in self.decode():
            if frame.shape != (self.height, self.width, self.channels):
                raise InputError(
                    f"{self.source}: a frame of {frame.shape[1]}x{frame.shape[0]} pixels among frames "
                    f"of {self.width}x{self.height}: the frames differ in size"
                )
            yield frame


def natural_key(name: str) -> tuple:
    """Sort key reading the numbers in a name as numbers: ``frame_2`` before ``frame_10``."""
    return tuple(
        (0, int(part), "") if ascii_digits(part) else (1, 0, part.lower())
        for part in re.split(r"([0-9]+)", name)
        if part
    )


def premultiplied(rgba: np.ndarray) -> np.ndarray:
    """RGBA pixels with their colour scaled by their opacity: every fully transparent pixel ``(0, 0, 0, 0)``."""
    alpha = rgba[..., 3:].astype(np.uint16)
    out = rgba.copy()
    out[..., :3] = ((rgba[..., :3].astype(np.uint16) * alpha + 127) // 255).astype(np.uint8)
    return out


def _check_size(width: int, height: int, source: str) -> None:
    if width * height > MAX_PIXELS:
        raise InputError(
            f"{source}: frames of {width}x{height} pixels, more than lifelab reads ({MAX_PIXELS:,} "
            "pixels a frame); crop or scale the recording down"
        )
    if width < 1 or height < 1:
        raise InputError(f"{source}: frames of {width}x{height} pixels hold nothing")


def _has_alpha(image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _picture(path: Path) -> Frames:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    source = str(path)
    try:
        image = Image.open(path)
        width, height = image.size
        count = int(getattr(image, "n_frames", 1))
        alpha = _has_alpha(image)
        fmt = image.format or path.suffix[1:].upper()
        image.close()
    except Image.DecompressionBombError as exc:  # a header declaring more pixels than Pillow will decode
        raise InputError(f"{source}: {exc}; crop or scale the recording down") from None
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, EOFError, IndexError, struct.error) as exc:
        raise InputError(f"{source}: not a readable picture ({exc or type(exc).__name__})") from None
    _check_size(width, height, source)
    mode = "RGBA" if alpha else "RGB"

    def decode():
        try:
            with Image.open(path) as opened:
                for frame in ImageSequence.Iterator(opened):
                    pixels = np.asarray(frame.convert(mode))
                    yield premultiplied(pixels) if alpha else pixels
        except Image.DecompressionBombError as exc:
            raise InputError(f"{source}: a frame declares {exc}") from None
        except (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error) as exc:
            raise InputError(f"{source}: a frame could not be decoded ({exc or type(exc).__name__})") from None

    kind = f"{'animated ' if count > 1 else ''}{fmt} picture" + (" with transparency" if alpha else "")
    return Frames(source, kind, count, height, width, 4 if alpha else 3, decode, fmt in ("JPEG", "MPO"))


def _video(path: Path) -> Frames:
    import av

    source = str(path)
    try:
        with av.open(source) as container:
            if not container.streams.video:
                raise InputError(f"{source}: holds no video stream")
            stream = container.streams.video[0]
            codec = stream.codec_context
            if codec is None:
                raise InputError(f"{source}: its video stream has no codec FFmpeg decodes")
            width, height, pix_fmt = codec.width, codec.height, codec.pix_fmt or ""
            count = int(stream.frames) or None
            rate = float(stream.average_rate) if stream.average_rate else None
            name = codec.name
    except (av.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise InputError(f"{source}: not a readable video ({exc})") from None
    _check_size(width, height, source)
    alpha = pix_fmt.startswith(("yuva", "rgba", "bgra", "argb", "abgr", "gbrap", "ya"))
    fmt = "rgba" if alpha else "rgb24"

    def decode():
        try:
            with av.open(source) as container:
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                for frame in container.decode(stream):
                    pixels = frame.to_ndarray(format=fmt)
                    yield premultiplied(pixels) if alpha else pixels
        except (av.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
            raise InputError(f"{source}: a frame could not be decoded ({exc})") from None

    kind = f"{name} video" + (f", {rate:g} frames/s" if rate else "") + (" with transparency" if alpha else "")
    return Frames(source, kind, count, height, width, 4 if alpha else 3, decode, True)


def _folder(path: Path) -> Frames:
    files = sorted(
        (f for f in path.iterdir() if f.suffix.lower() in PICTURE_SUFFIXES and f.is_file()),
        key=lambda f: natural_key(f.name),
    )
    if not files:
        raise InputError(
            f"{path}: a folder of frames holds pictures ({', '.join(PICTURE_SUFFIXES)}) or .rle files; "
            "this one holds neither"
        )
    first = _picture(files[0])
    suffixes = sorted({f.suffix.lower()[1:].upper() for f in files})
    pictures = [first] + [None] * (len(files) - 1)

    def decode():
        for i, f in enumerate(files):
            frames = pictures[i] if pictures[i] is not None else _picture(f)
            if frames.count not in (None, 1):
                raise InputError(f"{f}: holds {frames.count} frames; a folder of frames holds one picture a frame")
            if (frames.height, frames.width) != (first.height, first.width):
                raise InputError(
                    f"{path}: {f.name} is {frames.width}x{frames.height} pixels, {files[0].name} "
                    f"{first.width}x{first.height}: the frames differ in size"
                )
            for pixels in frames:
                if pixels.shape[2] != first.channels:  # one file transparent among opaque ones
                    pixels = (
                        pixels[..., :3]
                        if first.channels == 3
                        else np.concatenate([pixels, np.full(pixels.shape[:2] + (1,), 255, np.uint8)], axis=2)
                    )
                yield pixels

    kind = f"folder of {len(files)} {'/'.join(suffixes)} files (in the order of the numbers in their names)"
    return Frames(str(path), kind, len(files), first.height, first.width, first.channels, decode, first.lossy)


def open_frames(path) -> Frames:
    """Open a recording's frames: a picture (animated or not), a video, or a folder of pictures.

    Args:
        path: A file whose suffix is one of :data:`PICTURE_SUFFIXES` or :data:`VIDEO_SUFFIXES`, or a folder of
            pictures.

    Returns:
        The :class:`Frames`, decoded as they are iterated.

    Raises:
        InputError: For a missing or unreadable file, an unknown suffix, frames larger than :data:`MAX_PIXELS`.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder of frames")
    if path.is_dir():
        return _folder(path)
    if not path.is_file():
        raise InputError(f"{path}: not a regular file (a device, a pipe or a socket is not read)")
    suffix = path.suffix.lower()
    if suffix in PICTURE_SUFFIXES:
        return _picture(path)
    if suffix in VIDEO_SUFFIXES:
        return _video(path)
    raise InputError(
        f"{path}: lifelab reads pictures ({', '.join(PICTURE_SUFFIXES)}), videos "
        f"({', '.join(VIDEO_SUFFIXES)}), arrays (.npz, .npy), CSVs of bit strings (.csv) and folders of frames; "
        f"not {suffix or 'this'}"
    )


def save_frames(frames, path, fps: float = 10, repeat: int = 1) -> Path:
    """Write frames as an animated GIF (Pillow) or a video (PyAV: MP4, WebM, AVI, MOV, MKV), atomically.

    Args:
        frames: ``(T, height, width, 3)`` uint8 pixels (or an iterable of frames).
        path: The file; its suffix chooses the format (``.gif`` or one of :data:`CODECS`).
        fps: Frames a second.
        repeat: Frames each picture is shown for (a video's frame rate is not a generation rate).

    Returns:
        The path written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    frames = [np.ascontiguousarray(f, dtype=np.uint8) for f in frames for _ in range(repeat)]
    if not frames or any(f.ndim != 3 or f.shape[2] != 3 or f.shape != frames[0].shape for f in frames):
        raise InputError("frames are one or more (height, width, 3) pictures of one size")
    if suffix == ".gif":
        from PIL import Image

        images = [Image.fromarray(f) for f in frames]
        with atomic_path(path) as tmp:
            images[0].save(tmp, save_all=True, append_images=images[1:], duration=int(round(1000 / fps)), loop=0)
        return path
    if suffix not in CODECS:
        raise InputError(f"{path}: frames are written as .gif or a video ({', '.join(CODECS)}), not {suffix}")
    import av

    height, width = frames[0].shape[:2]
    padded = (height + height % 2, width + width % 2)  # the video's colours are sampled in 2x2 blocks
    with (
        atomic_path(path) as tmp,
        av.open(str(tmp), "w", format={".m4v": "mp4", ".mkv": "matroska"}.get(suffix, suffix[1:])) as container,
    ):
        stream = container.add_stream(CODECS[suffix], rate=int(round(fps)))
        assert isinstance(stream, av.VideoStream)  # every codec of CODECS is a video codec
        stream.width, stream.height = padded[1], padded[0]
        stream.pix_fmt = "yuv420p"
        if CODECS[suffix] == "libx264":
            stream.options = {"crf": "17"}
        for pixels in frames:
            if padded != (height, width):
                pixels = np.pad(pixels, ((0, padded[0] - height), (0, padded[1] - width), (0, 0)), mode="edge")
            container.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        container.mux(stream.encode())
    return path
