"""Photos as phones send them: a JPEG with the camera's EXIF (GPS, maker, orientation),
XMP, an ICC profile and a comment; and a check that a stored file has none of it."""

from __future__ import annotations

import io

from PIL import Image, ImageCms

# 52°31'12" N, 13°24'18" E: Berlin, Alexanderplatz
GPS = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 18.0)}
GPS_POSITION = (52.52, 13.405)
SECRET = b"Max Mustermann, iPhone 15"


def phone_jpeg(*, gps: bool = True, width: int = 64, height: int = 48) -> bytes:
    """A photo taken sideways (EXIF orientation 6) with everything a phone writes."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = SECRET.decode()  # Artist
    exif[0x0112] = 6  # rotate 90° clockwise to show upright
    if gps:
        exif.get_ifd(0x8825).update(GPS)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif,
        xmp=b"<x:xmpmeta>" + SECRET + b"</x:xmpmeta>",
        icc_profile=icc,
        comment=SECRET,
    )
    return out.getvalue()


def assert_without_metadata(content: bytes) -> None:
    """The bytes are a picture and nothing else: no EXIF, GPS, XMP, profile or comment."""
    for marker in (b"Exif", b"xmpmeta", b"http://ns.adobe.com", b"ICC_PROFILE", SECRET):
        assert marker not in content, marker
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)
        assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
