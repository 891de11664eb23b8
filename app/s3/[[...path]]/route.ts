import { handleS3 } from '@/lib/s3/handler';

// The S3-compatible endpoint: every method goes to lib/s3/handler.ts, which verifies the signature
// and answers in S3's XML. proxy.ts leaves /s3 alone (no redirects, no body limit).
export const dynamic = 'force-dynamic';

export const GET = (request: Request) => handleS3(request);
export const HEAD = GET;
export const PUT = GET;
export const POST = GET;
export const DELETE = GET;
